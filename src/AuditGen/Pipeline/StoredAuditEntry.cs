using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>An event as a store holds it.</summary>
/// <param name="Sequence">The store's position for the event: strictly increasing in the order events were stored.</param>
/// <param name="EventId">The event's id, the idempotency key for every sink.</param>
/// <param name="OrganizationId">The event's organization.</param>
/// <param name="Action">The event's action.</param>
/// <param name="OccurredAt">When the action happened.</param>
/// <param name="EventJson">The event's WorkOS JSON, exactly as it was stored.</param>
/// <param name="Adjustments">Changes made to fit WorkOS's limits.</param>
/// <param name="Rejection">Why WorkOS would reject the event, or <see langword="null"/>.</param>
public sealed record StoredAuditEntry(
    long Sequence,
    AuditEventId EventId,
    string OrganizationId,
    string Action,
    DateTimeOffset OccurredAt,
    ReadOnlyMemory<byte> EventJson,
    IReadOnlyList<string> Adjustments,
    string? Rejection)
{
    /// <summary>
    /// The key a sink deduplicates on: the event id, except when a dead letter is re-driven. A re-drive gets the
    /// event id with the time it was requested, because a sink that remembers its answer per key (WorkOS does, for
    /// 24 hours) would otherwise repeat the refusal; the event was refused, so a new key cannot duplicate it.
    /// </summary>
    public string IdempotencyKey { get; init; } = EventId.ToString();

    /// <summary>This entry as re-driven at <paramref name="requestedAt"/>.</summary>
    internal StoredAuditEntry ForRedrive(DateTimeOffset requestedAt) =>
        this with { IdempotencyKey = $"{EventId}.redrive-{requestedAt.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture)}" };
}
