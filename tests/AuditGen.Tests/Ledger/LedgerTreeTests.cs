using AuditGen.Ledger;

namespace AuditGen.Tests.Ledger;

public class LedgerTreeTests
{
    [Fact]
    public void Stored_band_nodes_and_kept_leaves_rebuild_the_frontier_of_any_size()
    {
        // Grow a tree of 700 leaves, keeping what a store keeps: the nodes at levels 8, 16... and the leaf hashes.
        var leaves = Enumerable.Range(0, 700).Select(i => MerkleHash.Leaf(BitConverter.GetBytes(i))).ToArray();
        var stored = new List<LedgerNodeRow>();
        var tree = new LedgerTree(1, "org", 0, [], 0, 0);
        var roots = new List<byte[]>();
        foreach (var leaf in leaves)
        {
            tree.Append(leaf, stored);
            roots.Add(tree.Root());
        }

        Assert.All(stored, node => Assert.Equal(8, node.Level));
        Assert.Equal(700 / 256, stored.Count);
        IReadOnlyList<byte[]> Read(int level, long first, long count) => level == 0
            ? leaves.Skip((int)first).Take((int)count).ToArray()
            : stored.Where(n => n.Level == level && n.Index >= first && n.Index < first + count).OrderBy(n => n.Index).Select(n => n.Hash).ToArray();

        foreach (var size in new long[] { 1, 255, 256, 257, 512, 699 })
        {
            var edge = MerkleTree.PerfectSubtrees(0, size).SelectMany(node => LedgerTree.FromStoredNodes(node, Read)).ToArray();
            var restored = new LedgerTree(1, "org", size, edge, 0, 0);
            Assert.Equal(roots[(int)size - 1], restored.Root());
        }
    }

    [Fact]
    public void A_missing_stored_node_is_reported_not_folded_into_a_wrong_root()
    {
        var exception = Assert.Throws<InvalidDataException>(() => LedgerTree.FromStoredNodes(new MerkleNode(9, 0), (_, _, _) => [new byte[32]]));
        Assert.Contains("missing", exception.Message, StringComparison.Ordinal);
    }
}
