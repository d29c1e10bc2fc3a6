using System.Numerics;

namespace AuditGen.Ledger;

/// <summary>
/// The structure of RFC 9162's Merkle trees (section 2.1): which perfect subtrees make up a range of leaves, and which
/// ranges an inclusion or a consistency proof is made of. Hashes come from the stored perfect subtrees
/// (<see cref="MerkleNode"/>), so a proof reads about log2(n) of them.
/// </summary>
internal static class MerkleTree
{
    /// <summary>The largest power of two smaller than <paramref name="size"/> (2 or more): where RFC 9162 splits a tree.</summary>
    public static long Split(long size) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(size - 1)));

    /// <summary>
    /// The perfect subtrees that make up leaves [<paramref name="start"/>, <paramref name="end"/>), largest first. For the
    /// ranges RFC 9162's recursion produces (and for every [0, n)), the range's hash is these subtrees' hashes folded from
    /// the right: <c>Node(s0, Node(s1, ... sk))</c>.
    /// </summary>
    public static IReadOnlyList<MerkleNode> PerfectSubtrees(long start, long end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        var nodes = new List<MerkleNode>(BitOperations.PopCount((ulong)(end - start)));
        while (start < end)
        {
            var level = 63 - BitOperations.LeadingZeroCount((ulong)(end - start));
            if (start != 0)
            {
                level = Math.Min(level, BitOperations.TrailingZeroCount(start));
            }

            nodes.Add(new MerkleNode(level, start >> level));
            start += 1L << level;
        }

        return nodes;
    }

    /// <summary>The ranges whose hashes form the inclusion proof of leaf <paramref name="index"/> in a tree of <paramref name="size"/> (RFC 9162 2.1.3.1), leaf side first.</summary>
    public static MerkleProofPlan InclusionProof(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var ranges = new List<(long, long)>();
        AddInclusionPath(index, 0, size, ranges);
        return new MerkleProofPlan(ranges);
    }

    /// <summary>
    /// The ranges whose hashes prove that the tree of <paramref name="oldSize"/> is a prefix of the tree of
    /// <paramref name="newSize"/> (RFC 9162 2.1.4.1). Empty when the sizes are equal or the old tree is empty.
    /// </summary>
    public static MerkleProofPlan ConsistencyProof(long oldSize, long newSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, newSize);
        var ranges = new List<(long, long)>();
        if (oldSize > 0 && oldSize < newSize)
        {
            AddConsistencyPath(oldSize, 0, newSize, startsAtOldRoot: true, ranges);
        }

        return new MerkleProofPlan(ranges);
    }

    /// <summary>The root hash of the tree of <paramref name="size"/> leaves, from its stored perfect subtrees.</summary>
    public static byte[] Root(long size, Func<MerkleNode, byte[]> hashOf) =>
        size == 0 ? MerkleHash.EmptyTree.ToArray() : RangeHash(PerfectSubtrees(0, size), hashOf);

    internal static byte[] RangeHash(IReadOnlyList<MerkleNode> subtrees, Func<MerkleNode, byte[]> hashOf)
    {
        var hash = hashOf(subtrees[^1]);
        for (var i = subtrees.Count - 2; i >= 0; i--)
        {
            hash = MerkleHash.Node(hashOf(subtrees[i]), hash);
        }

        return hash;
    }

    private static void AddInclusionPath(long index, long start, long end, List<(long, long)> ranges)
    {
        if (end - start <= 1)
        {
            return;
        }

        var split = start + Split(end - start);
        if (index < split)
        {
            AddInclusionPath(index, start, split, ranges);
            ranges.Add((split, end));
        }
        else
        {
            AddInclusionPath(index, split, end, ranges);
            ranges.Add((start, split));
        }
    }

    private static void AddConsistencyPath(long oldSize, long start, long end, bool startsAtOldRoot, List<(long, long)> ranges)
    {
        if (oldSize == end - start)
        {
            if (!startsAtOldRoot)
            {
                ranges.Add((start, end));
            }

            return;
        }

        var split = Split(end - start);
        if (oldSize <= split)
        {
            AddConsistencyPath(oldSize, start, start + split, startsAtOldRoot, ranges);
            ranges.Add((start + split, end));
        }
        else
        {
            AddConsistencyPath(oldSize - split, start + split, end, startsAtOldRoot: false, ranges);
            ranges.Add((start, start + split));
        }
    }
}
