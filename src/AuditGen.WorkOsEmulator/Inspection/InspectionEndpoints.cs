using AuditGen.WorkOsEmulator.Events;

namespace AuditGen.WorkOsEmulator.Inspection;

/// <summary>The emulator's own routes (no key, no faults): what it received and what it answered.</summary>
internal static class InspectionEndpoints
{
    public static void MapInspectionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_emulator/events", (EventLog events) => Results.Json(new
        {
            data = events.Snapshot().Select(static received => new
            {
                id = received.Id,
                organization_id = received.OrganizationId,
                idempotency_key = received.IdempotencyKey,
                received_at = received.ReceivedAt,
                @event = received.Event,
            }).ToArray(),
        }));
        app.MapGet("/_emulator/stats", (EmulatorStatistics statistics) => Results.Json(statistics.ToResponse()));
        app.MapGet("/_emulator/streams/{receiver}", (string receiver, bool? ids, Streams.StreamInbox inbox) => Results.Json(inbox.Describe(receiver, ids == true)));
    }
}
