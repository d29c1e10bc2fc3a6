using System.Buffers;
using System.Globalization;
using System.Text;
using AuditGen.Pipeline;

namespace AuditGen.Sinks.Syslog;

/// <summary>
/// An event as an RFC 5424 message: <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME - audit [auditgen@32473 event_id="…"
/// organization_id="…" action="…"] {WorkOS JSON}</c>. The timestamp is when the action happened; the structured data
/// uses the enterprise number RFC 5612 reserves for documentation, since AuditGen has none of its own.
/// </summary>
internal static class Rfc5424Message
{
    public const string StructuredDataId = "auditgen@32473";

    public static byte[] Format(StoredAuditEntry entry, SyslogSinkOptions options, string hostname)
    {
        var message = new ArrayBufferWriter<byte>(entry.EventJson.Length + 256);
        WriteHeader(message, entry, options, hostname);
        message.Write(entry.EventJson.Span);
        return message.WrittenSpan.ToArray();
    }

    /// <summary>The length in bytes of <see cref="Format"/>'s message, without copying the event.</summary>
    public static int Length(StoredAuditEntry entry, SyslogSinkOptions options, string hostname)
    {
        var header = new ArrayBufferWriter<byte>(256);
        WriteHeader(header, entry, options, hostname);
        return header.WrittenCount + entry.EventJson.Length;
    }

    private static void WriteHeader(ArrayBufferWriter<byte> message, StoredAuditEntry entry, SyslogSinkOptions options, string hostname)
    {
        var priority = (options.Facility * 8) + options.Severity;
        var timestamp = entry.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        Write(message, string.Create(CultureInfo.InvariantCulture, $"<{priority}>1 {timestamp} {hostname} {options.AppName} - audit [{StructuredDataId}"));
        WriteParameter(message, "event_id", entry.EventId.ToString());
        WriteParameter(message, "organization_id", entry.OrganizationId);
        WriteParameter(message, "action", entry.Action);
        Write(message, "] ");
    }

    /// <summary>A header field from this machine's name: printable ASCII, at most 255 characters, or <c>-</c>.</summary>
    public static string Hostname(string? configured)
    {
        var name = configured ?? Environment.MachineName;
        var printable = new string([.. name.Where(static c => c is >= '!' and <= '~').Take(255)]);
        return printable.Length == 0 ? "-" : printable;
    }

    private static void WriteParameter(ArrayBufferWriter<byte> message, string name, string value)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            // RFC 5424 6.3.3: '"', '\' and ']' are escaped with a backslash inside a parameter value.
            if (c is '"' or '\\' or ']')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        Write(message, $" {name}=\"{escaped}\"");
    }

    private static void Write(ArrayBufferWriter<byte> message, string text) => Encoding.UTF8.GetBytes(text, message);
}
