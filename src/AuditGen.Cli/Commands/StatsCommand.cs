using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

internal static class StatsCommand
{
    public static Command Create()
    {
        var command = new Command("stats", """
            Count records per action and show each sink's delivery state (cursor, backlog, dead letters).

            Example:
              auditgen stats --db ./auditgen.db
            """)
        {
        };

        AuditLogOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var opened = await AuditLogOptions.OpenAsync(result, cancellationToken);
            var log = opened.Log;
            if (await opened.UnintegratedWarningAsync(cancellationToken) is { } warning)
            {
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(warning)}[/]");
            }

            var statistics = await log.GetStatisticsAsync(cancellationToken);

            AnsiConsole.MarkupLine($"[bold]{statistics.Records.ToString("N0", CultureInfo.InvariantCulture)}[/] {(statistics.Records == 1 ? "record" : "records")}, last sequence {statistics.LastSequence.ToString(CultureInfo.InvariantCulture)}, retention checkpoint {statistics.CheckpointSequence.ToString(CultureInfo.InvariantCulture)}");
            var actions = new Table().AddColumn("action").AddColumn(new TableColumn("records").RightAligned());
            foreach (var action in statistics.Actions)
            {
                actions.AddRow(Markup.Escape(action.Action), action.Count.ToString("N0", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(actions);
            var sinks = new Table().AddColumn("sink").AddColumn(new TableColumn("cursor").RightAligned()).AddColumn(new TableColumn("backlog").RightAligned()).AddColumn(new TableColumn("dead letters").RightAligned());
            foreach (var sink in statistics.Sinks)
            {
                sinks.AddRow(Markup.Escape(sink.Sink), sink.Cursor.ToString(CultureInfo.InvariantCulture), sink.Backlog.ToString("N0", CultureInfo.InvariantCulture), sink.DeadLetters.ToString("N0", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(sinks);
            return ExitCodes.Success;
        });
        return command;
    }
}
