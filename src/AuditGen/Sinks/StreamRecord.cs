using System.IO.Compression;
using System.Text.Json;
using AuditGen.Pipeline;

namespace AuditGen.Sinks;

/// <summary>
/// An event as the HTTPS and S3 streams carry it, <c>{"id","organization_id","event"}</c> with the event's WorkOS JSON as
/// stored; and the gzip every compressing sink uses.
/// </summary>
internal static class StreamRecord
{
    public static void Write(Utf8JsonWriter writer, StoredAuditEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("id"u8, entry.EventId.ToString());
        writer.WriteString("organization_id"u8, entry.OrganizationId);
        writer.WritePropertyName("event"u8);
        writer.WriteRawValue(entry.EventJson.Span, skipInputValidation: true);
        writer.WriteEndObject();
    }

    /// <summary>The fastest level: the bodies are mostly JSON, which compresses well at any level.</summary>
    public static byte[] Gzip(ReadOnlySpan<byte> body)
    {
        using var compressed = new MemoryStream(body.Length / 4);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(body);
        }

        return compressed.ToArray();
    }
}
