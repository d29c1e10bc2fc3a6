using System.Text.Json.Nodes;

namespace AuditGen.WorkOsEmulator.Events;

/// <summary>The events the emulator accepted, in order, and what happened to every create-event request.</summary>
internal sealed class EventLog
{
    private readonly Lock _lock = new();
    private readonly List<ReceivedEvent> _events = [];

    public ReceivedEvent Add(string organizationId, string? idempotencyKey, JsonObject auditEvent, DateTimeOffset receivedAt)
    {
        lock (_lock)
        {
            var received = new ReceivedEvent($"audit_log_event_{Guid.CreateVersion7():N}", organizationId, idempotencyKey, auditEvent, receivedAt);
            _events.Add(received);
            return received;
        }
    }

    public IReadOnlyList<ReceivedEvent> Snapshot()
    {
        lock (_lock)
        {
            return [.. _events];
        }
    }
}

/// <summary>One accepted event.</summary>
/// <param name="Id">The emulator's id for it (WorkOS does not return one; exports show it).</param>
/// <param name="OrganizationId">The request's <c>organization_id</c>.</param>
/// <param name="IdempotencyKey">The request's <c>Idempotency-Key</c>, if any.</param>
/// <param name="Event">The request's <c>event</c>, as sent.</param>
/// <param name="ReceivedAt">When it was accepted.</param>
internal sealed record ReceivedEvent(string Id, string OrganizationId, string? IdempotencyKey, JsonObject Event, DateTimeOffset ReceivedAt);
