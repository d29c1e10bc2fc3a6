namespace AuditGen.Pipeline;

/// <summary>
/// Durable storage for audit events and for each sink's delivery state. Events are appended in
/// batches and read back in <see cref="StoredAuditEntry.Sequence"/> order; each sink keeps a cursor
/// (the last sequence it has finished with) so delivery is at-least-once and resumes after a restart.
/// </summary>
public interface IAuditStore
{
    /// <summary>Stores <paramref name="entries"/> atomically, in order; when this completes they are committed.</summary>
    ValueTask AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="maxCount"/> entries with a sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    ValueTask<IReadOnlyList<StoredAuditEntry>> ReadAfterAsync(long afterSequence, int maxCount, CancellationToken cancellationToken);

    /// <summary>The last sequence <paramref name="sinkName"/> has finished with; 0 for a sink that has delivered nothing.</summary>
    ValueTask<long> GetSinkCursorAsync(string sinkName, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="sinkName"/> has finished with every entry up to <paramref name="sequence"/>.</summary>
    ValueTask SetSinkCursorAsync(string sinkName, long sequence, CancellationToken cancellationToken);

    /// <summary>Keeps an entry a sink could not take, with the sink's reason, for inspection and re-delivery.</summary>
    ValueTask AddDeadLetterAsync(AuditDeadLetter deadLetter, CancellationToken cancellationToken);

    /// <summary>The dead letters of <paramref name="sinkName"/>, oldest first.</summary>
    ValueTask<IReadOnlyList<AuditDeadLetter>> GetDeadLettersAsync(string sinkName, CancellationToken cancellationToken);
}
