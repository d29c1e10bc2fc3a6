namespace AuditGen.Pipeline;

/// <summary>
/// A destination for stored events (WorkOS, a log, a stream). The pipeline hands a sink one entry
/// at a time in store order and moves the sink's cursor on only once the sink has answered
/// <see cref="AuditDeliveryResult.Delivered"/> or <see cref="AuditDeliveryResult.DeadLetter"/>.
/// An entry may be handed over again after a crash, so sinks deduplicate on
/// <see cref="StoredAuditEntry.EventId"/>.
/// </summary>
public interface IAuditSink
{
    /// <summary>A stable name: the key of this sink's delivery state in the store.</summary>
    string Name { get; }

    /// <summary>
    /// How many entries the pipeline hands this sink at once (default 1). Above 1, entries of a batch may arrive out of
    /// store order; keep 1 for a sink that needs order.
    /// </summary>
    int MaxConcurrency => 1;

    /// <summary>Delivers one entry.</summary>
    ValueTask<AuditDeliveryResult> DeliverAsync(StoredAuditEntry entry, CancellationToken cancellationToken);
}
