using System.Buffers;
using System.Text.Json;

namespace AuditGen.Events.Json;

/// <summary>Writes events as the exact JSON WorkOS takes.</summary>
public static class WorkOsJson
{
    /// <summary>The event alone, as in the <c>event</c> member of a create-event request.</summary>
    public static byte[] SerializeEvent(AuditEvent auditEvent) =>
        JsonSerializer.SerializeToUtf8Bytes(auditEvent, AuditGenJsonContext.Default.AuditEvent);

    /// <summary>The whole create-event request body: <c>{"organization_id": ..., "event": {...}}</c>.</summary>
    public static byte[] SerializeCreateEventRequest(AuditEvent auditEvent) =>
        JsonSerializer.SerializeToUtf8Bytes(new WorkOsCreateEventRequest(auditEvent), AuditGenJsonContext.Default.WorkOsCreateEventRequest);

    /// <summary>Writes the event into <paramref name="destination"/> without an intermediate array.</summary>
    public static void WriteEvent(IBufferWriter<byte> destination, AuditEvent auditEvent)
    {
        using var writer = new Utf8JsonWriter(destination);
        JsonSerializer.Serialize(writer, auditEvent, AuditGenJsonContext.Default.AuditEvent);
    }

    /// <summary>
    /// Builds a create-event request body from an event's stored JSON without parsing it, so the
    /// <c>event</c> member is byte for byte what was stored.
    /// </summary>
    public static byte[] ComposeCreateEventRequest(string organizationId, ReadOnlySpan<byte> eventJson)
    {
        var buffer = new ArrayBufferWriter<byte>(eventJson.Length + organizationId.Length + 40);
        using (var writer = new Utf8JsonWriter(buffer))
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
