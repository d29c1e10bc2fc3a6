namespace AuditGen.Pipeline;

/// <summary>
/// Durable storage for audit events and for each sink's delivery state. Events are appended in
/// batches and read back in <see cref="StoredAuditEntry.Sequence"/> order; each sink keeps a cursor
/// (the last sequence it has finished with) so delivery is at-least-once and resumes after a restart.
/// </summary>
internal interface IAuditStore
{
    /// <summary>Stores <paramref name="entries"/> atomically, in order; when this completes they are committed.</summary>
    ValueTask AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> entries with a sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    ValueTask<IReadOnlyList<StoredAuditEntry>> ReadAfterAsync(long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>The last sequence <paramref name="sinkName"/> has finished with; 0 for a sink that has delivered nothing.</summary>
    ValueTask<long> GetSinkCursorAsync(string sinkName, CancellationToken cancellationToken);

    /// <summary>
    /// Records that <paramref name="sinkName"/> has finished with every entry up to <paramref name="sequence"/>. A cursor
    /// never moves back: an instance that lost its lease and finishes a batch late cannot undo its successor's progress.
    /// </summary>
    ValueTask SetSinkCursorAsync(string sinkName, long sequence, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps an entry a sink could not take, with the sink's reason, for inspection and re-delivery. An entry
    /// already dead-lettered for the sink (refused again after a re-drive) gets the new reason and its re-drive request is cleared.
    /// </summary>
    ValueTask AddDeadLetterAsync(AuditDeadLetter deadLetter, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> dead-lettered entries of <paramref name="sinkName"/> whose re-delivery was requested, oldest first.</summary>
    ValueTask<IReadOnlyList<StoredAuditEntry>> ReadRedrivesAsync(string sinkName, int maxCount, CancellationToken cancellationToken);

    /// <summary>Forgets a dead letter once a re-drive has delivered it.</summary>
    ValueTask RemoveDeadLetterAsync(string sinkName, long sequence, CancellationToken cancellationToken);

    /// <summary>
    /// Asks for dead letters of <paramref name="sinkName"/> to be delivered again: the one at <paramref name="sequence"/>,
    /// or all of them when it is <see langword="null"/>. Returns how many were requested; a running delivery loop picks them up.
    /// </summary>
    ValueTask<int> RequestRedriveAsync(string sinkName, long? sequence, CancellationToken cancellationToken);

    /// <summary>
    /// Tries to take the right to deliver <paramref name="sinkName"/>'s entries; <see langword="null"/> when another
    /// instance holds it. Stores used by one process grant it at once (the default).
    /// </summary>
    ValueTask<IAuditDeliveryLease?> TryAcquireDeliveryLeaseAsync(string sinkName, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IAuditDeliveryLease?>(ProcessLocalDeliveryLease.Instance);

    /// <summary>The dead letters of <paramref name="sinkName"/>, oldest first.</summary>
    ValueTask<IReadOnlyList<AuditDeadLetter>> GetDeadLettersAsync(string sinkName, CancellationToken cancellationToken);
}
