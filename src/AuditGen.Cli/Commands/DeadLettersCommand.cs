using System.CommandLine;
using System.Globalization;
using AuditGen.Pipeline;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

internal static class DeadLettersCommand
{
    public static Command Create() => new("dead-letters", "List the events a sink refused for good; deliver them again, or give up on delivering them.")
    {
        List(),
        Redrive(),
        Discard(),
    };

    private static Command List()
    {
        var sink = new Option<string?>("--sink") { Description = "Only this sink's dead letters (e.g. workos)." };
        var command = new Command("list", """
            List dead letters: the record, its action and event id, when it was refused and the sink's reason.

            Examples:
              auditgen dead-letters list --db ./auditgen.db
              auditgen dead-letters list --db ./auditgen.db --sink workos
            """)
        {
            sink,
        };

        AuditLogOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var opened = await AuditLogOptions.OpenAsync(result, cancellationToken);
            var log = opened.Log;
            var sinks = result.GetValue(sink) is { } only ? [only] : (await log.GetStatisticsAsync(cancellationToken)).Sinks.Select(static s => s.Sink).ToArray();
            var table = new Table().AddColumn("sink").AddColumn(new TableColumn("sequence").RightAligned()).AddColumn("action").AddColumn("dead-lettered at").AddColumn("re-drive");
            var reasons = new List<string>();
            foreach (var name in sinks)
            {
                foreach (var deadLetter in await log.GetDeadLettersAsync(name, cancellationToken))
                {
                    var entry = await log.QueryAsync(new AuditQuery { AfterSequence = deadLetter.Sequence - 1, Limit = 1 }, cancellationToken).FirstOrDefaultAsync(cancellationToken);
                    table.AddRow(
                        Markup.Escape(name),
                        deadLetter.Sequence.ToString(CultureInfo.InvariantCulture),
                        Markup.Escape(entry?.Action ?? "(purged)"),
                        deadLetter.DeadLetteredAt.ToString("u", CultureInfo.InvariantCulture),
                        deadLetter.RedriveRequestedAt is { } requested ? "requested " + requested.ToString("u", CultureInfo.InvariantCulture) : "");
                    reasons.Add($"{name} #{deadLetter.Sequence.ToString(CultureInfo.InvariantCulture)} {entry?.EventId.ToString() ?? ""}: {deadLetter.Reason}");
                }
            }

            AnsiConsole.MarkupLine($"[bold]{reasons.Count.ToString("N0", CultureInfo.InvariantCulture)}[/] dead letters");
            if (reasons.Count > 0)
            {
                // Reasons are WorkOS's own words, often long JSON: printed whole, one line each, rather than wrapped in a cell.
                AnsiConsole.Write(table);
                reasons.ForEach(Console.WriteLine);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Redrive()
    {
        var sink = new Option<string>("--sink") { Description = "The sink whose dead letters to deliver again (e.g. workos).", Required = true };
        var sequence = new Option<long?>("--sequence") { Description = "Only the dead letter of this record." };
        var all = new Option<bool>("--all") { Description = "Every dead letter of the sink." };
        var command = new Command("redrive", """
            Ask the running application to deliver dead letters again, once what made the sink refuse them is fixed
            (say, an organization created in WorkOS). Delivery picks the request up within its poll interval;
            a letter refused again stays, with the new reason.

            Examples:
              auditgen dead-letters redrive --db ./auditgen.db --sink workos --sequence 42
              auditgen dead-letters redrive --db ./auditgen.db --sink workos --all
            """)
        {
            sink,
            sequence,
            all,
        };

        AuditLogOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var only = result.GetValue(sequence);
            if (only is null == !result.GetValue(all))
            {
                throw new UsageException("Name one record with --sequence, or pass --all.");
            }

            using var opened = await AuditLogOptions.OpenAsync(result, cancellationToken, writable: true);
            var log = opened.Log;
            var name = result.GetValue(sink)!;
            var requested = await log.RequestRedriveAsync(name, only, cancellationToken);
            await CommandAccess.RecordAsync(opened, AuditLogAccess.DeadLettersRedriven, organizationId: null, cancellationToken);
            AnsiConsole.MarkupLine(requested == 0
                ? $"No dead letter of sink '{Markup.Escape(name)}' matched."
                : $"Asked sink '{Markup.Escape(name)}' to deliver [bold]{requested.ToString("N0", CultureInfo.InvariantCulture)}[/] dead letters again.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Discard()
    {
        var sink = new Option<string>("--sink") { Description = "The sink that refused the record (e.g. workos).", Required = true };
        var sequence = new Option<long>("--sequence") { Description = "The record whose delivery to give up.", Required = true };
        var command = new Command("discard", """
            Give up delivering one dead letter to its sink. The record stays in the audit log and in the chain;
            only its delivery ends, so retention may remove it in time (a dead letter holds retention back).

            Example:
              auditgen dead-letters discard --db ./auditgen.db --sink workos --sequence 42
            """)
        {
            sink,
            sequence,
        };

        AuditLogOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var opened = await AuditLogOptions.OpenAsync(result, cancellationToken, writable: true);
            var log = opened.Log;
            var name = result.GetValue(sink)!;
            var record = result.GetValue(sequence);
            if (!(await log.GetDeadLettersAsync(name, cancellationToken)).Any(deadLetter => deadLetter.Sequence == record))
            {
                throw new UsageException($"Sink '{name}' has no dead letter for record {record.ToString(CultureInfo.InvariantCulture)} (see auditgen dead-letters list).");
            }

            await log.RemoveDeadLetterAsync(name, record, cancellationToken);
            await CommandAccess.RecordAsync(opened, AuditLogAccess.DeadLetterDiscarded, organizationId: null, cancellationToken);
            AnsiConsole.MarkupLine($"Sink '{Markup.Escape(name)}' will not be sent record {record.ToString(CultureInfo.InvariantCulture)}; it stays in the audit log.");
            return ExitCodes.Success;
        });
        return command;
    }
}
