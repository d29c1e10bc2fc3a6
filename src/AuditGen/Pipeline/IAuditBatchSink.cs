namespace AuditGen.Pipeline;

/// <summary>
/// A destination that takes many entries per request (a log intake, an object store). The pipeline hands it batches of
/// at most <see cref="MaxBatchSize"/> entries and <see cref="MaxBatchBytes"/> bytes of event JSON, in store order, after
/// leaving out what <see cref="Filter"/> excludes and dead-lettering what <see cref="Refusal"/> names. A batch is settled as
/// a whole: when a destination refuses a batch of several entries for good, the pipeline delivers them one at a time so
/// that only the entries the destination refuses become dead letters.
/// </summary>
public interface IAuditBatchSink : IAuditSink
{
    /// <summary>The most entries in one batch.</summary>
    int MaxBatchSize { get; }

    /// <summary>The most bytes of event JSON in one batch (the sink's own framing comes on top).</summary>
    int MaxBatchBytes => int.MaxValue;

    /// <summary>Which entries this sink receives; <see langword="null"/> for all.</summary>
    AuditSinkFilter? Filter => null;

    /// <summary>
    /// Why the destination would refuse <paramref name="entry"/> whatever is retried (too old, too large), or
    /// <see langword="null"/>. Such an entry becomes a dead letter with this reason without being sent.
    /// </summary>
    string? Refusal(StoredAuditEntry entry) => null;

    /// <summary>Delivers a batch, all or nothing.</summary>
    ValueTask<AuditDeliveryResult> DeliverBatchAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken);

    ValueTask<AuditDeliveryResult> IAuditSink.DeliverAsync(StoredAuditEntry entry, CancellationToken cancellationToken) =>
        DeliverBatchAsync([entry], cancellationToken);
}
