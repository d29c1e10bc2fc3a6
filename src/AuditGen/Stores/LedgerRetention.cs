using AuditGen.Ledger;
using AuditGen.Pipeline;

namespace AuditGen.Stores;

/// <summary>
/// Retention, the same for every database, inside one integration round's transaction: how far the log may be purged
/// (<see cref="RetentionCut"/>), the sealed chain's part of it, each organization's part of it (<see cref="LedgerIntegrator.Purge"/>),
/// and a checkpoint that commits to the purge before anything else sees it.
/// </summary>
internal static class LedgerRetention
{
    /// <exception cref="InvalidOperationException">The purge cannot be committed to, or evidence would be purged away; nothing is purged.</exception>
    public static AuditPurgeResult Purge(LedgerIntegrator integrator, ILedgerIntegration integration, LogTables log, SealedChain sealedChain, DateTimeOffset cutoff, long now, CancellationToken cancellationToken)
    {
        integrator.CheckCanCommitPurge(integration);
        var tables = log.Prefix;
        var through = RetentionCut.Through(
            log.Scalar($"SELECT max(sequence) FROM {tables}audit_events WHERE stored_at < @cutoff", ("cutoff", cutoff.ToUnixTimeMilliseconds())) as long?,
            log.Scalar($"SELECT min(sequence) FROM {tables}audit_sink_cursors") as long?,
            log.Scalar($"SELECT min(sequence) FROM {tables}audit_dead_letters") as long?);
        var purged = (long)log.Scalar($"SELECT count(*) FROM {tables}audit_events WHERE sequence <= @through", ("through", through))!;
        if (purged == 0)
        {
            return new AuditPurgeResult(0, 0);
        }

        sealedChain.Purge(through, now, cancellationToken);
        var partitions = new List<(string, long)>();
        using (var command = log.Command(
            $"SELECT organization_id, max(partition_index) + 1 FROM {tables}audit_events WHERE sequence <= @through AND partition_index IS NOT NULL GROUP BY organization_id",
            ("through", through)))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                partitions.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        integrator.Purge(integration, partitions);
        log.Execute(
            $"UPDATE {tables}ledger_state SET purged_feed = CASE WHEN purged_feed > @through THEN purged_feed ELSE @through END WHERE id = 1",
            ("through", through));
        integrator.IntegrateRound(integration, forceCheckpoint: true);
        return new AuditPurgeResult(purged, through);
    }
}
