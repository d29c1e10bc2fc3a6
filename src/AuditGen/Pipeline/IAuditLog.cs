namespace AuditGen.Pipeline;

/// <summary>A store that can also be read, verified and trimmed: what export, the viewer and the CLI use.</summary>
public interface IAuditLog
{
    /// <summary>Streams the records <paramref name="query"/> selects, without holding them all in memory.</summary>
    IAsyncEnumerable<StoredAuditEntry> QueryAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>How many records <paramref name="query"/> selects (its paging limit ignored).</summary>
    Task<long> CountAsync(AuditQuery query, CancellationToken cancellationToken);

    /// <summary>Counts per action and each sink's delivery state.</summary>
    Task<AuditLogStatistics> GetStatisticsAsync(CancellationToken cancellationToken);

    /// <summary>Each sink's delivery state only: cheap enough for a health probe.</summary>
    Task<IReadOnlyList<AuditSinkState>> GetSinkStatesAsync(CancellationToken cancellationToken);

    /// <summary>Recomputes the hash chain and reports the first record where it breaks.</summary>
    Task<AuditChainVerification> VerifyAsync(CancellationToken cancellationToken);

    /// <summary>Removes records stored before <paramref name="cutoff"/>, leaving a checkpoint the remaining chain verifies from.</summary>
    Task<AuditPurgeResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
