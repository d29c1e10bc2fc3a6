namespace AuditGen.Ledger;

/// <summary>
/// One event as the ledger stores it: the exact WorkOS JSON, what the pipeline said about it, and the filter columns
/// derived from it. Sequencing writes entries in batches; integration gives each its place in its partition's log.
/// </summary>
/// <param name="EventId">The event id, in its canonical text form.</param>
/// <param name="Partition">The organization id; empty for the system partition.</param>
/// <param name="Action">The event's action.</param>
/// <param name="OccurredAt">When the action happened, in Unix milliseconds.</param>
/// <param name="ActorId">The actor's id.</param>
/// <param name="ActorName">The actor's name, when it has one.</param>
/// <param name="TargetTypes">The event's distinct target types (<see cref="FilterColumns.TargetTypes"/>).</param>
/// <param name="EventJson">The event's WorkOS JSON, UTF-8, as stored.</param>
/// <param name="Adjustments">Changes made to fit WorkOS's limits, one per line; empty when none.</param>
/// <param name="Rejection">Why WorkOS would reject the event, or <see langword="null"/>.</param>
internal sealed record LedgerEntry(
    string EventId,
    string Partition,
    string Action,
    long OccurredAt,
    string ActorId,
    string? ActorName,
    IReadOnlyList<string> TargetTypes,
    ReadOnlyMemory<byte> EventJson,
    string Adjustments,
    string? Rejection);
