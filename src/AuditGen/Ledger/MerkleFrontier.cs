using System.Numerics;

namespace AuditGen.Ledger;

/// <summary>
/// The right edge of a growing Merkle tree: one hash per perfect subtree that the tree's size decomposes into. Appending
/// a leaf completes the subtrees it closes, which are handed to the caller to store; the root is the edge folded from
/// the right. It holds at most 63 hashes, however large the tree.
/// </summary>
internal sealed class MerkleFrontier
{
    private readonly List<byte[]> _edge;

    private MerkleFrontier(long size, List<byte[]> edge)
    {
        Size = size;
        _edge = edge;
    }

    public long Size { get; private set; }

    public static MerkleFrontier Empty() => new(0, []);

    /// <summary>The frontier of a tree of <paramref name="size"/> leaves, from the hashes of <see cref="MerkleTree.PerfectSubtrees"/>(0, size).</summary>
    public static MerkleFrontier Restore(long size, Func<MerkleNode, byte[]> hashOf) =>
        new(size, MerkleTree.PerfectSubtrees(0, size).Select(hashOf).ToList());

    /// <summary>The frontier of a tree of <paramref name="size"/> leaves from its stored edge (<see cref="Edge"/>).</summary>
    /// <exception cref="InvalidDataException">The edge does not hold one hash per perfect subtree of the size.</exception>
    public static MerkleFrontier FromEdge(long size, ReadOnlySpan<byte> edge)
    {
        if (size < 0 || edge.Length != BitOperations.PopCount((ulong)size) * MerkleHash.Size)
        {
            throw new InvalidDataException($"A stored tree edge of {edge.Length} bytes does not fit a tree of {size} leaves.");
        }

        var hashes = new List<byte[]>(edge.Length / MerkleHash.Size);
        for (var offset = 0; offset < edge.Length; offset += MerkleHash.Size)
        {
            hashes.Add(edge.Slice(offset, MerkleHash.Size).ToArray());
        }

        return new MerkleFrontier(size, hashes);
    }

    /// <summary>The edge's hashes, largest subtree first, in one buffer: what a store keeps to resume appending.</summary>
    public byte[] Edge() => _edge.SelectMany(static hash => hash).ToArray();

    /// <summary>Appends a leaf; <paramref name="completed"/> receives the leaf and every perfect subtree it completes, smallest first.</summary>
    public void Append(byte[] leafHash, Action<MerkleNode, byte[]> completed)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(leafHash.Length, MerkleHash.Size);
        var hash = leafHash;
        var node = new MerkleNode(0, Size);
        completed(node, hash);
        for (var closes = BitOperations.TrailingZeroCount(~Size); closes > 0; closes--)
        {
            hash = MerkleHash.Node(_edge[^1], hash);
            _edge.RemoveAt(_edge.Count - 1);
            node = new MerkleNode(node.Level + 1, node.Index >> 1);
            completed(node, hash);
        }

        _edge.Add(hash);
        Size++;
    }

    public byte[] Root()
    {
        if (Size == 0)
        {
            return MerkleHash.EmptyTree.ToArray();
        }

        var hash = _edge[^1];
        for (var i = _edge.Count - 2; i >= 0; i--)
        {
            hash = MerkleHash.Node(_edge[i], hash);
        }

        return hash;
    }
}
