using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// RFC 9162 proofs from a stored ledger: the consistency of two sizes of the top-level log (what a witness checks
/// before it cosigns), and the inclusion of an organization's record in its log. Each proof hash is rebuilt from the
/// stored band below it (<see cref="LedgerTree.FromStoredNodes"/>): at most 256 hashes read per proof hash.
/// </summary>
internal static class LedgerProofs
{
    public static byte[][] TopLevelConsistency(ILedgerSnapshot snapshot, long oldSize, long newSize) =>
        MerkleTree.ConsistencyProof(oldSize, newSize).Assemble(node => LedgerTree.FromStoredNodes(node, (level, first, count) => TopLevelHashes(snapshot, level, first, count)));

    /// <summary>The inclusion proof of record <paramref name="index"/> of a partition in its log of <paramref name="size"/> records.</summary>
    public static byte[][] Inclusion(ILedgerSnapshot snapshot, LedgerTreeRow tree, long index, long size) =>
        MerkleTree.InclusionProof(index, size).Assemble(node => LedgerTree.FromStoredNodes(node, (level, first, count) => PartitionHashes(snapshot, tree, level, first, count)));

    private static IReadOnlyList<byte[]> TopLevelHashes(ILedgerSnapshot snapshot, int level, long first, long count) =>
        level == 0
            ? snapshot.ReadTopLeafRange(first, count).Select(static text => MerkleHash.Leaf(Encoding.UTF8.GetBytes(text))).ToList()
            : snapshot.ReadNodes(LedgerTree.TopLevelId, level, first, count);

    /// <summary>A partition's hashes at a stored level; at level 0 its records' leaf hashes, or those kept for records retention removed.</summary>
    private static IReadOnlyList<byte[]> PartitionHashes(ILedgerSnapshot snapshot, LedgerTreeRow tree, int level, long first, long count)
    {
        if (level > 0)
        {
            return snapshot.ReadNodes(tree.Id, level, first, count);
        }

        var kept = first < tree.PurgedThrough ? snapshot.ReadNodes(tree.Id, 0, first, Math.Min(count, tree.PurgedThrough - first)) : [];
        var fromRecords = first + kept.Count;
        return [.. kept, .. snapshot.ReadRecords(tree.Partition, fromRecords).TakeWhile(record => record.PartitionIndex < first + count).Select(static record => record.LeafHash)];
    }
}
