using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using AuditGen.Pipeline;

namespace AuditGen.Export;

/// <summary>
/// Streams the records a query selects to CSV, JSON or JSON Lines. Rows are read from the store and
/// written one at a time, so memory stays flat however many records there are.
/// </summary>
public static class AuditExporter
{
    /// <summary>The CSV columns, in order.</summary>
    public static IReadOnlyList<string> CsvColumns { get; } =
        ["id", "occurred_at", "organization_id", "action", "version", "actor_type", "actor_id", "actor_name", "targets", "location", "user_agent", "metadata", "rejection"];

    private static readonly JsonWriterOptions s_jsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes every record <paramref name="query"/> selects to <paramref name="output"/>; returns how many.</summary>
    /// <param name="log">The audit log.</param>
    /// <param name="query">Which records.</param>
    /// <param name="format">CSV, JSON or JSON Lines.</param>
    /// <param name="output">Where to write.</param>
    /// <param name="cancellationToken">Stops the export.</param>
    /// <param name="progress">Told how many records are written, every thousand and at the end.</param>
    public static async Task<long> ExportAsync(IAuditLog log, AuditQuery query, AuditExportFormat format, Stream output, CancellationToken cancellationToken, IProgress<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(output);
        var entries = Report(await StartedAsync(log.QueryAsync(query, cancellationToken), cancellationToken), progress, cancellationToken);
        var count = format switch
        {
            AuditExportFormat.Csv => await WriteCsvAsync(entries, output, cancellationToken),
            _ => await WriteJsonAsync(entries, output, lines: format == AuditExportFormat.JsonLines, cancellationToken),
        };
        progress?.Report(count);
        return count;
    }

    /// <summary>
    /// The records, with the first one already read: a log that cannot be read fails before anything is written, so the
    /// output never starts with a CSV header or a bracket that no record follows.
    /// </summary>
    private static async Task<IAsyncEnumerable<StoredAuditEntry>> StartedAsync(IAsyncEnumerable<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        var enumerator = entries.GetAsyncEnumerator(cancellationToken);
        try
        {
            return Continue(enumerator, await enumerator.MoveNextAsync());
        }
        catch
        {
            await enumerator.DisposeAsync();
            throw;
        }

        static async IAsyncEnumerable<StoredAuditEntry> Continue(IAsyncEnumerator<StoredAuditEntry> enumerator, bool hasFirst)
        {
            await using (enumerator)
            {
                for (var more = hasFirst; more; more = await enumerator.MoveNextAsync())
                {
                    yield return enumerator.Current;
                }
            }
        }
    }

    private static async IAsyncEnumerable<StoredAuditEntry> Report(IAsyncEnumerable<StoredAuditEntry> entries, IProgress<long>? progress, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            yield return entry;
            if (++count % 1000 == 0)
            {
                progress?.Report(count);
            }
        }
    }

    private static async Task<long> WriteCsvAsync(IAsyncEnumerable<StoredAuditEntry> entries, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await writer.WriteLineAsync(string.Join(',', CsvColumns));
        long count = 0;
        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            // Rejected events may lack required members (they are kept on purpose): every read tolerates absence.
            using var document = JsonDocument.Parse(entry.EventJson);
            var auditEvent = document.RootElement;
            var actor = Member(auditEvent, "actor");
            var context = Member(auditEvent, "context");
            string?[] cells =
            [
                entry.EventId.ToString(),
                String(auditEvent, "occurred_at"),
                entry.OrganizationId,
                entry.Action,
                auditEvent.TryGetProperty("version", out var version) ? version.GetRawText() : null,
                String(actor, "type"),
                String(actor, "id"),
                String(actor, "name"),
                Member(auditEvent, "targets").ValueKind == JsonValueKind.Undefined ? null : Member(auditEvent, "targets").GetRawText(),
                String(context, "location"),
                String(context, "user_agent"),
                auditEvent.TryGetProperty("metadata", out var metadata) ? metadata.GetRawText() : null,
                entry.Rejection,
            ];
            await writer.WriteLineAsync(string.Join(',', cells.Select(Csv.Cell)));
            count++;
        }

        return count;
    }

    private static async Task<long> WriteJsonAsync(IAsyncEnumerable<StoredAuditEntry> entries, Stream output, bool lines, CancellationToken cancellationToken)
    {
        // Records are gathered in memory and written in chunks, always asynchronously: an HTTP response body refuses
        // synchronous writes, and one write per record would be slow.
        const int ChunkSize = 32 * 1024;
        var buffer = new ArrayBufferWriter<byte>(ChunkSize * 2);
        await using var writer = new Utf8JsonWriter(buffer, s_jsonOptions);
        long count = 0;
        if (!lines)
        {
            writer.WriteStartArray();
        }

        await foreach (var entry in entries.WithCancellation(cancellationToken))
        {
            writer.WriteStartObject();
            writer.WriteString("id", entry.EventId.ToString());
            writer.WriteString("organization_id", entry.OrganizationId);
            writer.WritePropertyName("event");
            writer.WriteRawValue(entry.EventJson.Span, skipInputValidation: true);
            writer.WriteEndObject();
            if (lines)
            {
                writer.Flush();
                buffer.Write("\n"u8);
                writer.Reset();
            }

            count++;
            if (writer.BytesPending + buffer.WrittenCount > ChunkSize)
            {
                writer.Flush();
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }

        if (!lines)
        {
            writer.WriteEndArray();
        }

        writer.Flush();
        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
        await output.FlushAsync(cancellationToken);
        return count;
    }

    private static JsonElement Member(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) ? value : default;

    private static string? String(JsonElement element, string property) =>
        Member(element, property) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
}
