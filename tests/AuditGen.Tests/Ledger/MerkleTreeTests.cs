using AuditGen.Ledger;

namespace AuditGen.Tests.Ledger;

public class MerkleTreeTests
{
    // RFC 6962's reference test data (certificate-transparency's merkle tree tests): eight leaves and the root of each prefix.
    private static readonly byte[][] s_referenceLeaves =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        Convert.FromHexString("5051525354555657"), Convert.FromHexString("606162636465666768696a6b6c6d6e6f"),
    ];

    private static readonly string[] s_referenceRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    [Fact]
    public void Roots_match_RFC_6962_reference_data_for_every_prefix_and_the_empty_tree()
    {
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Convert.ToHexStringLower(MerkleHash.EmptyTree));
        var tree = new StoredTree();
        for (var size = 1; size <= s_referenceLeaves.Length; size++)
        {
            tree.Append(MerkleHash.Leaf(s_referenceLeaves[size - 1]));
            Assert.Equal(s_referenceRoots[size - 1], Convert.ToHexStringLower(tree.Frontier.Root()));
            Assert.Equal(s_referenceRoots[size - 1], Convert.ToHexStringLower(MerkleTree.Root(size, tree.HashOf)));
        }
    }

    [Fact]
    public void The_frontier_root_and_every_stored_subtree_equal_the_RFC_definition_up_to_300_leaves()
    {
        var leaves = Leaves(300);
        var tree = new StoredTree();
        for (var size = 1; size <= leaves.Length; size++)
        {
            tree.Append(leaves[size - 1]);
            Assert.Equal(Definition(leaves.AsSpan(0, size)), tree.Frontier.Root());
        }

        foreach (var (node, hash) in tree.Nodes)
        {
            Assert.Equal(Definition(leaves.AsSpan((int)node.FirstLeaf, (int)(node.EndLeaf - node.FirstLeaf))), hash);
        }

        var restored = MerkleFrontier.Restore(leaves.Length, tree.HashOf);
        Assert.Equal(tree.Frontier.Root(), restored.Root());
    }

    [Fact]
    public void Every_inclusion_proof_up_to_64_leaves_verifies_and_any_change_to_it_fails()
    {
        var leaves = Leaves(64);
        var tree = new StoredTree();
        foreach (var leaf in leaves)
        {
            tree.Append(leaf);
        }

        for (long size = 1; size <= leaves.Length; size++)
        {
            var root = MerkleTree.Root(size, tree.HashOf);
            for (long index = 0; index < size; index++)
            {
                var proof = MerkleTree.InclusionProof(index, size).Assemble(tree.HashOf);
                Assert.True(MerkleProof.VerifyInclusion(index, size, leaves[index], proof, root), $"leaf {index} of {size}");
                if (size > 1)
                {
                    Assert.False(MerkleProof.VerifyInclusion(index, size, leaves[(index + 1) % size], proof, root), "another leaf");
                    Assert.False(MerkleProof.VerifyInclusion((index + 1) % size, size, leaves[index], proof, root), "another position");
                }

                for (var i = 0; i < proof.Length; i++)
                {
                    Assert.False(MerkleProof.VerifyInclusion(index, size, leaves[index], Flipped(proof, i), root), $"leaf {index} of {size}, hash {i} changed");
                }

                if (proof.Length > 0)
                {
                    Assert.False(MerkleProof.VerifyInclusion(index, size, leaves[index], proof[..^1], root));
                }
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_up_to_64_leaves_verifies_and_a_changed_proof_or_root_fails()
    {
        var leaves = Leaves(64);
        var tree = new StoredTree();
        foreach (var leaf in leaves)
        {
            tree.Append(leaf);
        }

        for (long newSize = 1; newSize <= leaves.Length; newSize++)
        {
            var newRoot = MerkleTree.Root(newSize, tree.HashOf);
            for (long oldSize = 1; oldSize <= newSize; oldSize++)
            {
                var oldRoot = MerkleTree.Root(oldSize, tree.HashOf);
                var proof = MerkleTree.ConsistencyProof(oldSize, newSize).Assemble(tree.HashOf);
                Assert.True(MerkleProof.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, proof), $"{oldSize} -> {newSize}");
                if (oldSize == newSize)
                {
                    continue;
                }

                Assert.False(MerkleProof.VerifyConsistency(oldSize, newSize, MerkleHash.Leaf([1]), newRoot, proof));
                Assert.False(MerkleProof.VerifyConsistency(oldSize, newSize, oldRoot, MerkleHash.Leaf([1]), proof));
                for (var i = 0; i < proof.Length; i++)
                {
                    Assert.False(MerkleProof.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, Flipped(proof, i)), $"{oldSize} -> {newSize}, hash {i} changed");
                }
            }
        }
    }

    [Fact]
    public void A_forked_tree_of_the_same_size_is_not_consistent_with_the_original()
    {
        var leaves = Leaves(20);
        var (original, fork) = (new StoredTree(), new StoredTree());
        for (var i = 0; i < leaves.Length; i++)
        {
            original.Append(leaves[i]);
            fork.Append(i == 7 ? MerkleHash.Leaf([0xff]) : leaves[i]);
        }

        var proof = MerkleTree.ConsistencyProof(12, 20).Assemble(fork.HashOf);

        Assert.False(MerkleProof.VerifyConsistency(12, 20, MerkleTree.Root(12, original.HashOf), MerkleTree.Root(20, fork.HashOf), proof));
    }

    [Fact]
    public void A_proof_reads_about_log2_of_the_size_stored_subtrees()
    {
        const long size = 1_000_000_000;

        var inclusion = MerkleTree.InclusionProof(123_456_789, size);
        var consistency = MerkleTree.ConsistencyProof(999_999_000, size);

        Assert.Equal(30, inclusion.Ranges.Count);
        Assert.InRange(inclusion.Nodes.Count, 30, 60);
        Assert.InRange(consistency.Nodes.Count, 1, 60);
    }

    private static byte[][] Leaves(int count) =>
        Enumerable.Range(0, count).Select(static i => MerkleHash.Leaf(BitConverter.GetBytes(i * 7919))).ToArray();

    // RFC 9162 2.1.1, written as the definition reads: MTH(D[n]) = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])).
    private static byte[] Definition(ReadOnlySpan<byte[]> leafHashes)
    {
        if (leafHashes.Length == 1)
        {
            return leafHashes[0];
        }

        var k = 1;
        while (k * 2 < leafHashes.Length)
        {
            k *= 2;
        }

        return MerkleHash.Node(Definition(leafHashes[..k]), Definition(leafHashes[k..]));
    }

    private static byte[][] Flipped(byte[][] proof, int index)
    {
        var copy = proof.Select(static hash => (byte[])hash.Clone()).ToArray();
        copy[index][0] ^= 0x01;
        return copy;
    }

    /// <summary>A tree kept in memory the way a store keeps it: the frontier and every completed perfect subtree.</summary>
    private sealed class StoredTree
    {
        public Dictionary<MerkleNode, byte[]> Nodes { get; } = [];

        public MerkleFrontier Frontier { get; } = MerkleFrontier.Empty();

        public byte[] HashOf(MerkleNode node) => Nodes[node];

        public void Append(byte[] leafHash) => Frontier.Append(leafHash, (node, hash) => Nodes.Add(node, hash));
    }
}
