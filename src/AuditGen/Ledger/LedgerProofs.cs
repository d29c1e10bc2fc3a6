using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// RFC 9162 proofs from a stored ledger: the consistency of two sizes of the top-level log (what a witness checks
/// before it cosigns), the inclusion of a partition checkpoint in it, and, in a partition's log, the inclusion of a
/// record and the consistency of two sizes. Each proof hash is rebuilt from the stored band below it
/// (<see cref="LedgerTree.FromStoredNodes"/>): at most 256 hashes read per proof hash.
/// </summary>
internal static class LedgerProofs
{
    public static byte[][] TopLevelConsistency(ILedgerSnapshot snapshot, long oldSize, long newSize) =>
        MerkleTree.ConsistencyProof(oldSize, newSize).Assemble(node => LedgerTree.FromStoredNodes(node, (level, first, count) => TopLevelHashes(snapshot, level, first, count)));

    /// <summary>The inclusion proof of top-level leaf <paramref name="index"/> (a partition checkpoint) in the top-level log of <paramref name="size"/>.</summary>
    public static byte[][] TopLevelInclusion(ILedgerSnapshot snapshot, long index, long size) =>
        MerkleTree.InclusionProof(index, size).Assemble(node => LedgerTree.FromStoredNodes(node, (level, first, count) => TopLevelHashes(snapshot, level, first, count)));

    /// <summary>The inclusion proof of record <paramref name="index"/> of a partition in its log of <paramref name="size"/> records.</summary>
    public static byte[][] Inclusion(ILedgerSnapshot snapshot, LedgerTreeRow tree, long index, long size) => new PartitionProver(snapshot, tree).Inclusion(index, size);

    private static IReadOnlyList<byte[]> TopLevelHashes(ILedgerSnapshot snapshot, int level, long first, long count) =>
        level == 0
            ? snapshot.ReadTopLeafRange(first, count).Select(static text => MerkleHash.Leaf(Encoding.UTF8.GetBytes(text))).ToList()
            : snapshot.ReadNodes(LedgerTree.TopLevelId, level, first, count);
}

/// <summary>
/// Proofs in one partition's log, for many records in index order (an export): each subtree hash is computed once and
/// kept while proofs near it need it (up to <see cref="MaxKeptHashes"/>), so a record's proof costs a few hashes, and
/// a band of 256 records one read.
/// </summary>
internal sealed class PartitionProver(ILedgerSnapshot snapshot, LedgerTreeRow tree)
{
    private const int MaxKeptHashes = 4096;
    private readonly Dictionary<MerkleNode, byte[]> _kept = [];

    public byte[][] Inclusion(long index, long size) => MerkleTree.InclusionProof(index, size).Assemble(HashOf);

    public byte[][] Consistency(long oldSize, long newSize) => MerkleTree.ConsistencyProof(oldSize, newSize).Assemble(HashOf);

    private byte[] HashOf(MerkleNode node)
    {
        if (_kept.TryGetValue(node, out var hash))
        {
            return hash;
        }

        if (_kept.Count >= MaxKeptHashes)
        {
            _kept.Clear();
        }

        hash = node.Level is > 0 and < LedgerTree.BandHeight
            ? MerkleHash.Node(HashOf(new MerkleNode(node.Level - 1, node.Index * 2)), HashOf(new MerkleNode(node.Level - 1, (node.Index * 2) + 1)))
            : LedgerTree.FromStoredNodes(node, Hashes);
        _kept[node] = hash;
        return hash;
    }

    /// <summary>Level 0 is read a band at a time: the records' leaf hashes, or those kept for records retention removed.</summary>
    private IReadOnlyList<byte[]> Hashes(int level, long first, long count)
    {
        if (level > 0)
        {
            return snapshot.ReadNodes(tree.Id, level, first, count);
        }

        var bandStart = first - (first % (1L << LedgerTree.BandHeight));
        var band = ReadLeafHashes(bandStart, 1L << LedgerTree.BandHeight);
        if (_kept.Count + band.Count > MaxKeptHashes)
        {
            _kept.Clear();
        }

        for (var i = 0; i < band.Count; i++)
        {
            _kept[new MerkleNode(0, bandStart + i)] = band[i];
        }

        var offset = (int)(first - bandStart);
        return band.Count >= offset ? band.Skip(offset).Take((int)count).ToList() : [];
    }

    private List<byte[]> ReadLeafHashes(long first, long count)
    {
        var kept = first < tree.PurgedThrough ? snapshot.ReadNodes(tree.Id, 0, first, Math.Min(count, tree.PurgedThrough - first)) : [];
        var fromRecords = first + kept.Count;
        return [.. kept, .. snapshot.ReadLeafHashes(tree.Partition, fromRecords, first + count - fromRecords)];
    }
}
