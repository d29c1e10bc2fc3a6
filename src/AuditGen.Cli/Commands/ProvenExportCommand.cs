using System.Globalization;
using System.Text.Json;
using AuditGen.Export;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

/// <summary><c>auditgen export --proof</c>: an organization's proven export, to a file or standard output.</summary>
internal static class ProvenExportCommand
{
    public static async Task<int> ExportAsync(IReadableAuditStore log, LedgerSettings ledger, AuditQuery query, FileInfo? extends, FileInfo? file, CancellationToken cancellationToken)
    {
        var published = ledger.Verifier is { } verifier ? new PublishedKeys(verifier.ToString(), []) : null;
        if (query.OrganizationId is not { Length: > 0 })
        {
            throw new UsageException("--proof exports one organization: name it with --organization.");
        }

        if (log is not ILedgerReader reader)
        {
            throw new UsageException("--proof needs a store with a ledger.");
        }

        var extendsSize = extends is null ? (long?)null : await LogSizeOfAsync(extends, cancellationToken);
        if (file is null)
        {
            await using var stdout = Console.OpenStandardOutput();
            await ProvenExport.WriteAsync(reader, query, extendsSize, stdout, published, cancellationToken);
            return ExitCodes.Success;
        }

        // Written beside the target and moved into place at the end: a failed export leaves no partial file.
        var partial = file.FullName + ".partial";
        ProvenExportSummary summary;
        try
        {
            await using (var stream = File.Create(partial))
            {
                summary = await ProvenExport.WriteAsync(reader, query, extendsSize, stream, published, cancellationToken);
            }
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        File.Move(partial, file.FullName, overwrite: true);
        AnsiConsole.MarkupLine(
            $"Wrote [bold]{summary.Records.ToString("N0", CultureInfo.InvariantCulture)}[/] records of organization {Markup.Escape(summary.OrganizationId)} to {Markup.Escape(file.FullName)}, "
            + $"proven up to record {(summary.LogSize - 1).ToString(CultureInfo.InvariantCulture)} of its log by the log's checkpoint of {summary.TopLevelSize.ToString(CultureInfo.InvariantCulture)} "
            + (summary.Witnessed ? "its witnesses cosigned." : "[yellow](signed by the log only: no checkpoint cosigned by its witnesses is kept yet)[/]."));
        return ExitCodes.Success;
    }

    /// <summary>The size of the organization's log an older proven export's checkpoint states (it is verified later, by verify-export).</summary>
    private static async Task<long> LogSizeOfAsync(FileInfo older, CancellationToken cancellationToken)
    {
        if (!older.Exists)
        {
            throw new UsageException($"--extends: '{older.FullName}' does not exist.");
        }

        // The header is a few kilobytes: read no more than a megabyte of whatever the file is.
        using var reader = new StreamReader(older.FullName);
        var buffer = new char[1024 * 1024];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        var header = new string(buffer, 0, read).Split('\n')[0];
        try
        {
            using var document = JsonDocument.Parse(header);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("checkpoint", out var text) && text.ValueKind == JsonValueKind.String
                && Checkpoint.TryParse(text.GetString()!, out var checkpoint, out _))
            {
                return checkpoint!.Size;
            }
        }
        catch (JsonException)
        {
        }

        throw new UsageException($"--extends: '{older.FullName}' is not a proven export (its first line has no checkpoint).");
    }
}
