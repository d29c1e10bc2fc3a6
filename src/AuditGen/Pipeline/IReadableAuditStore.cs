namespace AuditGen.Pipeline;

/// <summary>A durable store that can also be read back: what the CLI opens, and what the SQLite and PostgreSQL stores are.</summary>
internal interface IReadableAuditStore : IAuditStore, IAuditLog
{
    /// <summary>What delivery reads: the log in sequence order, as a query reads it.</summary>
    protected static async ValueTask<IReadOnlyList<StoredAuditEntry>> ReadAfterAsync(IAuditLog log, long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        var entries = new List<StoredAuditEntry>(Math.Min(maxCount, 1024));
        await foreach (var entry in log.QueryAsync(new AuditQuery { AfterSequence = afterSequence, Limit = maxCount }, cancellationToken))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
