using System.CommandLine;
using System.Globalization;
using AuditGen.Export;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create()
    {
        var query = new QueryOptions();
        var format = new Option<AuditExportFormat>("--format") { Description = "csv, json or jsonlines.", DefaultValueFactory = _ => AuditExportFormat.Csv };
        var output = new Option<FileInfo?>("--out") { Description = "The file to write; standard output when omitted." };
        var command = new Command("export", """
            Export records as CSV, a JSON array or JSON Lines, with WorkOS's export filters.
            CSV cells a spreadsheet would run as formulas are prefixed with '.

            Examples:
              auditgen export --db ./auditgen.db --format csv --out audit.csv
              auditgen export --db ./auditgen.db --organization org_acme --range-start 2026-11-01T00:00:00Z --action user.signed_in --format jsonlines
            """)
        {
            AuditLogOptions.Database,
            format,
            output,
        };
        query.AddTo(command);

        command.SetAction(async (result, cancellationToken) =>
        {
            using var log = AuditLogOptions.Open(result);
            var auditQuery = query.Read(result);
            var file = result.GetValue(output);
            if (file is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                await AuditExporter.ExportAsync(log, auditQuery, result.GetValue(format), stdout, cancellationToken);
                return ExitCodes.Success;
            }

            var total = await log.CountAsync(auditQuery, cancellationToken);
            long written = 0;
            await AnsiConsole.Progress().StartAsync(async progress =>
            {
                var task = progress.AddTask($"Exporting {total.ToString("N0", CultureInfo.InvariantCulture)} records", maxValue: Math.Max(total, 1));
                // Written beside the target and moved into place at the end: a failed export leaves no partial file.
                var partial = file.FullName + ".partial";
                await using (var stream = File.Create(partial))
                {
                    written = await AuditExporter.ExportAsync(log, auditQuery, result.GetValue(format), stream, cancellationToken, new ProgressTo(task));
                }

                File.Move(partial, file.FullName, overwrite: true);
            });
            AnsiConsole.MarkupLine($"Wrote [bold]{written.ToString("N0", CultureInfo.InvariantCulture)}[/] records to {Markup.Escape(file.FullName)}.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Moves the bar as records are written, on the exporting thread.</summary>
    private sealed class ProgressTo(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
