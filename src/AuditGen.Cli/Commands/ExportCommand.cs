using System.CommandLine;
using System.Globalization;
using AuditGen.Export;
using AuditGen.Pipeline;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create()
    {
        var query = new QueryOptions();
        var format = new Option<AuditExportFormat>("--format") { Description = "csv, json or jsonlines.", DefaultValueFactory = _ => AuditExportFormat.Csv };
        var output = new Option<FileInfo?>("--out") { Description = "The file to write; standard output when omitted." };
        var after = new Option<long?>("--after") { Description = "Paging: only records after this sequence (the value the previous page printed)." };
        var limit = new Option<int?>("--limit") { Description = "Paging: at most this many records." };
        var proof = new Option<bool>("--proof") { Description = "A proven export of one organization (--organization): its records with the proofs that they are in its log, checked offline with auditgen verify-export." };
        var extends = new Option<FileInfo?>("--extends") { Description = "With --proof: an older proven export of the organization, which this one then proves it extends." };
        var command = new Command("export", """
            Export records as CSV, a JSON array or JSON Lines, with WorkOS's export filters.
            CSV cells a spreadsheet would run as formulas are prefixed with '.
            With --proof, an organization's records as a proven export (docs/proofs.md): each record with its inclusion
            proof, under the organization's checkpoint in the log's newest witnessed checkpoint; with --verifier-key,
            the export also names the log's key (readers still check with the key they got from you).

            Examples:
              auditgen export --db ./auditgen.db --format csv --out audit.csv
              auditgen export --db ./auditgen.db --organization org_acme --range-start 2026-11-01T00:00:00Z --action user.signed_in --format jsonlines
              auditgen export --db ./auditgen.db --format csv --limit 10000 --after 20000 --out page3.csv
              auditgen export --db ./auditgen.db --organization org_acme --proof --out acme.proof.jsonl
              auditgen export --db ./auditgen.db --organization org_acme --proof --extends acme-october.proof.jsonl --out acme.proof.jsonl
            """)
        {
            format,
            output,
            after,
            limit,
            proof,
            extends,
            AuditLogOptions.VerifierKey,
            AuditLogOptions.ReadOnly,
        };
        query.AddTo(command);

        AuditLogOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var opened = await AuditLogOptions.OpenAsync(result, cancellationToken, recordsAccess: true);
            var log = opened.Log;
            if (result.GetValue(limit) is < 1)
            {
                throw new UsageException("--limit must be 1 or more.");
            }

            var file = result.GetValue(output);
            if (result.GetValue(proof))
            {
                if (result.GetResult(format) is { Implicit: false } || result.GetResult(after) is not null || result.GetResult(limit) is not null)
                {
                    throw new UsageException("--proof writes every record its filters select, in its own format: --format, --after and --limit do not apply.");
                }

                var filter = query.Read(result);
                var proven = await ProvenExportCommand.ExportAsync(log, opened.Ledger, filter, result.GetValue(extends), file, cancellationToken);
                await RecordAsync(opened, filter, cancellationToken);
                return proven;
            }

            if (result.GetResult(extends) is not null)
            {
                throw new UsageException("--extends applies to a proven export (--proof).");
            }

            var auditQuery = query.Read(result) with { AfterSequence = result.GetValue(after), Limit = result.GetValue(limit) };
            if (file is null)
            {
                await using var stdout = Console.OpenStandardOutput();
                var exported = await AuditExporter.ExportAsync(log, auditQuery, result.GetValue(format), stdout, cancellationToken);
                await ReportNextPageAsync(log, auditQuery, exported, cancellationToken);
                await RecordAsync(opened, auditQuery, cancellationToken);
                return ExitCodes.Success;
            }

            var total = Math.Min(await log.CountAsync(auditQuery, cancellationToken), auditQuery.Limit ?? long.MaxValue);
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
            await ReportNextPageAsync(log, auditQuery, written, cancellationToken);
            await RecordAsync(opened, auditQuery, cancellationToken);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Recorded once the export is written, so that it is never part of its own output.</summary>
    private static Task RecordAsync(OpenedAuditLog opened, AuditQuery exported, CancellationToken cancellationToken) =>
        CommandAccess.RecordAsync(opened, AuditLogAccess.Exported, exported.OrganizationId, cancellationToken);

    /// <summary>A full page may not be the last one: say on standard error where the next one starts.</summary>
    private static async Task ReportNextPageAsync(AuditGen.Pipeline.IAuditLog log, AuditGen.Pipeline.AuditQuery query, long exported, CancellationToken cancellationToken)
    {
        if (query.Limit is not { } limit || exported < limit)
        {
            return;
        }

        var last = await log.QueryAsync(query, cancellationToken).LastAsync(cancellationToken);
        if (await log.CountAsync(query with { AfterSequence = last.Sequence, Limit = null }, cancellationToken) > 0)
        {
            await Console.Error.WriteLineAsync($"auditgen: more records follow; continue with --after {last.Sequence.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>Moves the bar as records are written, on the exporting thread.</summary>
    private sealed class ProgressTo(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
