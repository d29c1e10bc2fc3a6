using System.Data.Common;
using System.Globalization;
using AuditGen.Pipeline;
using AuditGen.Stores.Chain;

namespace AuditGen.Stores;

/// <summary>
/// The chain a previous version of AuditGen wrote, sealed under the ledger when it took over: its records keep a null
/// <c>partition_index</c>, its head row and retention checkpoints stay. Read and purged the same way in every database,
/// through ADO.NET and SQL both dialects speak.
/// </summary>
/// <param name="log">The log's tables, in a snapshot (verification) or write transaction (purge).</param>
/// <param name="signer">Checks (and, with the chain key, signs) the chain's head and checkpoints.</param>
/// <param name="readTargetTypes">Reads the stored target types column at an ordinal, in the dialect's own form.</param>
internal sealed class SealedChain(LogTables log, AuditChainSigner signer, Func<DbDataReader, int, IReadOnlyList<string>?> readTargetTypes)
{
    private readonly string _tables = log.Prefix;

    /// <summary>Whether a previous version wrote a chain here.</summary>
    public bool Exists =>
        log.Scalar($"SELECT sealed_sequence FROM {_tables}ledger_state WHERE id = 1") is not null
            || log.Scalar($"SELECT count(*) FROM {_tables}audit_checkpoints") is > 0L;

    /// <summary>The whole sealed chain, from its latest retention checkpoint to its head.</summary>
    public AuditChainVerification Verify(CancellationToken cancellationToken) =>
        AuditChainVerifier.Verify(signer, LatestCheckpoint(), Head(), Records(long.MaxValue), cancellationToken);

    /// <summary>
    /// Purges the chain's records up to <paramref name="through"/>, leaving a checkpoint the rest of it verifies from.
    /// Evidence of tampering is never purged away: the purged records and the sealed head are checked first.
    /// </summary>
    /// <param name="through">The last feed position retention removes.</param>
    /// <param name="createdAt">The purge's time, in Unix milliseconds.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    /// <exception cref="InvalidOperationException">The chain is signed and its key is missing, or it is broken.</exception>
    public void Purge(long through, long createdAt, CancellationToken cancellationToken)
    {
        if (log.Scalar($"SELECT max(sequence) FROM {_tables}audit_events WHERE sequence <= @through AND partition_index IS NULL", ("through", through)) is not long sealedThrough)
        {
            return;
        }

        if (!signer.ChecksSignatures && Head() is { Signature: not null })
        {
            throw new InvalidOperationException("its sealed chain is signed; purging it needs its chain key, or the new checkpoint could not be verified.");
        }

        // Only the part purged is read, while every process's integration waits; the head, which the ledger sealed,
        // must still carry its signature and be the one the ledger names in every checkpoint.
        var head = Head();
        var sealedHead = ReadPoint($"SELECT sealed_sequence, sealed_hash, NULL, '' FROM {_tables}ledger_state WHERE id = 1 AND sealed_sequence IS NOT NULL");
        if (head is not { } stored || !signer.HeadHolds(stored) || sealedHead is not { } sealedPoint
            || stored.Sequence != sealedPoint.Sequence || !stored.Hash.AsSpan().SequenceEqual(sealedPoint.Hash))
        {
            throw new InvalidOperationException("its sealed chain's head was changed, or its signature does not match; nothing was purged. Run `auditgen verify`.");
        }

        var verification = AuditChainVerifier.VerifyPrefix(signer, LatestCheckpoint(), Records(sealedThrough), cancellationToken);
        if (!verification.IsIntact)
        {
            throw new InvalidOperationException($"its sealed chain is broken at record {verification.FirstBrokenSequence} ({verification.Problem}); nothing was purged.");
        }

        var count = (long)log.Scalar($"SELECT count(*) FROM {_tables}audit_events WHERE sequence <= @through AND partition_index IS NULL", ("through", sealedThrough))!;
        var throughHash = (byte[])log.Scalar($"SELECT hash FROM {_tables}audit_events WHERE sequence = @through", ("through", sealedThrough))!;
        log.Execute($"DELETE FROM {_tables}audit_events WHERE sequence <= @through AND partition_index IS NULL", ("through", sealedThrough));
        log.Execute(
            $"INSERT INTO {_tables}audit_checkpoints (through_sequence, through_hash, purged_count, created_at, signature) VALUES (@through, @hash, @count, @at, @signature)",
            ("through", sealedThrough), ("hash", throughHash), ("count", count), ("at", createdAt),
            ("signature", signer.SignCheckpoint(sealedThrough, throughHash, $"{count}/{createdAt}")));
    }

    private ChainPoint? Head() => ReadPoint($"SELECT sequence, hash, signature, '' FROM {_tables}audit_head WHERE id = 1");

    private ChainPoint? LatestCheckpoint() =>
        ReadPoint($"SELECT through_sequence, through_hash, signature, purged_count || '/' || created_at FROM {_tables}audit_checkpoints ORDER BY id DESC LIMIT 1");

    private ChainPoint? ReadPoint(string sql)
    {
        using var command = log.Command(sql);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new ChainPoint(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2), reader.GetString(3))
            : null;
    }

    private IEnumerable<ChainRecord> Records(long through)
    {
        using var command = log.Command(
            $"""
            SELECT sequence, event_id, organization_id, event_json, adjustments, rejection, hash, stored_at, action, occurred_at, actor_id, actor_name, target_types
            FROM {_tables}audit_events WHERE sequence <= @through AND partition_index IS NULL ORDER BY sequence
            """,
            ("through", through));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new ChainRecord(
                reader.GetInt64(0), Convert.ToString(reader.GetValue(1), CultureInfo.InvariantCulture)!, reader.GetString(2), reader.GetFieldValue<byte[]>(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<byte[]>(6), reader.GetInt64(7),
                reader.GetString(8), reader.GetInt64(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                readTargetTypes(reader, 12));
        }
    }
}
