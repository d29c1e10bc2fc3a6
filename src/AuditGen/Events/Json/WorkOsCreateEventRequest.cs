using System.Text.Json.Serialization;

namespace AuditGen.Events.Json;

/// <summary>The body of WorkOS's <c>POST /audit_logs/events</c>: <c>{"organization_id": ..., "event": {...}}</c>.</summary>
internal sealed class WorkOsCreateEventRequest
{
    /// <summary>Wraps <paramref name="auditEvent"/> for its organization.</summary>
    public WorkOsCreateEventRequest(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        OrganizationId = auditEvent.OrganizationId;
        Event = auditEvent;
    }

    /// <summary>The organization the event is recorded for.</summary>
    [JsonPropertyOrder(0)]
    public string OrganizationId { get; }

    /// <summary>The event.</summary>
    [JsonPropertyOrder(1)]
    public AuditEvent Event { get; }
}
