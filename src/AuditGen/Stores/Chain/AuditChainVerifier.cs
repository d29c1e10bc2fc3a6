using System.Security.Cryptography;
using AuditGen.Ledger;
using AuditGen.Pipeline;

namespace AuditGen.Stores.Chain;

/// <summary>
/// Recomputes the chain over records read in sequence order from one snapshot of a store, starting after the
/// latest checkpoint and ending at the head, and reports the first record where it breaks. Stores read; this decides.
/// </summary>
internal static class AuditChainVerifier
{
    /// <summary>The whole chain, from the checkpoint to the head.</summary>
    public static AuditChainVerification Verify(AuditChainSigner signer, ChainPoint? checkpoint, ChainPoint? head, IEnumerable<ChainRecord> records, CancellationToken cancellationToken) =>
        Verify(signer, checkpoint, records, head, toHead: true, cancellationToken);

    /// <summary>
    /// Only the records given (a prefix of the chain after the checkpoint, such as the records a purge removes), without
    /// the head: cheap enough to run while appends wait.
    /// </summary>
    public static AuditChainVerification VerifyPrefix(AuditChainSigner signer, ChainPoint? checkpoint, IEnumerable<ChainRecord> prefix, CancellationToken cancellationToken) =>
        Verify(signer, checkpoint, prefix, head: null, toHead: false, cancellationToken);

    private static AuditChainVerification Verify(AuditChainSigner signer, ChainPoint? checkpoint, IEnumerable<ChainRecord> records, ChainPoint? head, bool toHead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(records);
        if (checkpoint is { } point && !signer.CheckpointHolds(point))
        {
            return new AuditChainVerification(false, 0, point.Sequence, "the retention checkpoint's signature does not match: it was altered", point.Sequence);
        }

        var (expectedSequence, previousHash) = checkpoint is { } start ? (start.Sequence, start.Hash) : (0L, AuditChain.Genesis.ToArray());
        var checkpointSequence = expectedSequence;
        long checkedCount = 0;
        foreach (var record in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            expectedSequence++;
            if (record.Sequence != expectedSequence)
            {
                return new AuditChainVerification(false, checkedCount, record.Sequence, $"records {expectedSequence} to {record.Sequence - 1} are missing", checkpointSequence);
            }

            var computed = AuditChain.Hash(record.Sequence, previousHash, record.StoredAt, record.EventId, record.OrganizationId, record.EventJson, record.Adjustments, record.Rejection);
            if (!CryptographicOperations.FixedTimeEquals(computed, record.Hash))
            {
                return new AuditChainVerification(false, checkedCount, record.Sequence, "the record does not hash to its stored hash: it, or the record before it, was changed, inserted or moved", checkpointSequence);
            }

            if (FilterColumns.FirstMismatch(record.EventJson, record.Action, record.OccurredAt, record.ActorId, record.ActorName, record.TargetTypes) is { } column)
            {
                return new AuditChainVerification(false, checkedCount, record.Sequence, $"the filter column '{column}' does not match the record's event JSON: it was changed", checkpointSequence);
            }

            previousHash = computed;
            checkedCount++;
        }

        if (!toHead)
        {
            return new AuditChainVerification(true, checkedCount, null, null, checkpointSequence);
        }

        if (head is null)
        {
            return signer.ChecksSignatures || expectedSequence > checkpointSequence
                ? new AuditChainVerification(false, checkedCount, expectedSequence + 1, "the chain head record is missing", checkpointSequence)
                : new AuditChainVerification(true, checkedCount, null, null, checkpointSequence);
        }

        if (!signer.HeadHolds(head.Value))
        {
            return new AuditChainVerification(false, checkedCount, head.Value.Sequence, "the chain head's signature does not match: it was altered", checkpointSequence);
        }

        if (head.Value.Sequence != expectedSequence || !CryptographicOperations.FixedTimeEquals(head.Value.Hash, previousHash))
        {
            return new AuditChainVerification(false, checkedCount, Math.Min(head.Value.Sequence, expectedSequence) + 1, $"the chain ends at record {expectedSequence} but its head says {head.Value.Sequence}: records were removed from or added to the end", checkpointSequence);
        }

        return new AuditChainVerification(true, checkedCount, null, null, checkpointSequence);
    }
}

/// <summary>One stored record as verification reads it: the hashed fields, the stored hash and the filter columns.</summary>
internal sealed record ChainRecord(
    long Sequence,
    string EventId,
    string OrganizationId,
    byte[] EventJson,
    string Adjustments,
    string? Rejection,
    byte[] Hash,
    long StoredAt,
    string Action,
    long OccurredAt,
    string ActorId,
    string? ActorName,
    IReadOnlyList<string>? TargetTypes);
