using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AuditGen.Events.Json;

/// <summary>Writes events as the exact JSON WorkOS takes.</summary>
/// <remarks>
/// Strings are escaped as JavaScript's <c>JSON.stringify</c> (and so the official WorkOS SDK) escapes
/// them: quotes, backslashes and control characters only, with non-ASCII text written as UTF-8.
/// The serializer's default encoder would also escape <c>+</c>, <c>&lt;</c>, <c>'</c> and every
/// non-ASCII character, which is only needed when JSON is embedded in HTML. One difference remains:
/// a character outside the Basic Multilingual Plane (an emoji) is written as an escaped surrogate
/// pair (<c>\uD83D\uDE00</c>), which every JSON reader, WorkOS included, reads as the same string.
/// </remarks>
internal static class WorkOsJson
{
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event alone, as in the <c>event</c> member of a create-event request.</summary>
    public static byte[] SerializeEvent(AuditEvent auditEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        WriteEvent(buffer, auditEvent);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the event into <paramref name="destination"/> without an intermediate array.</summary>
    public static void WriteEvent(IBufferWriter<byte> destination, AuditEvent auditEvent)
    {
        using var writer = new Utf8JsonWriter(destination, s_writerOptions);
        JsonSerializer.Serialize(writer, auditEvent, AuditGenJsonContext.Default.AuditEvent);
    }

    /// <summary>The whole create-event request body: <c>{"organization_id": ..., "event": {...}}</c>.</summary>
    public static byte[] SerializeCreateEventRequest(AuditEvent auditEvent)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            JsonSerializer.Serialize(writer, new WorkOsCreateEventRequest(auditEvent), AuditGenJsonContext.Default.WorkOsCreateEventRequest);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Builds a create-event request body from an event's stored JSON without parsing it, so the
    /// <c>event</c> member is byte for byte what was stored.
    /// </summary>
    public static byte[] ComposeCreateEventRequest(string organizationId, ReadOnlySpan<byte> eventJson)
    {
        ArgumentNullException.ThrowIfNull(organizationId);
        var buffer = new ArrayBufferWriter<byte>(eventJson.Length + organizationId.Length + 40);
        using (var writer = new Utf8JsonWriter(buffer, s_writerOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("organization_id", organizationId);
            writer.WritePropertyName("event");
            writer.WriteRawValue(eventJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
