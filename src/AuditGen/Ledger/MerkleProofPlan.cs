namespace AuditGen.Ledger;

/// <summary>
/// The leaf ranges a proof is made of, in proof order, and the stored perfect subtrees whose hashes they need: a store
/// reads <see cref="Nodes"/> in one query, then <see cref="Assemble"/> folds them into the proof's hashes.
/// </summary>
internal sealed class MerkleProofPlan(IReadOnlyList<(long Start, long End)> ranges)
{
    public IReadOnlyList<(long Start, long End)> Ranges { get; } = ranges;

    /// <summary>Every perfect subtree the proof needs, each once.</summary>
    public IReadOnlyCollection<MerkleNode> Nodes { get; } =
        ranges.SelectMany(static range => MerkleTree.PerfectSubtrees(range.Start, range.End)).ToHashSet();

    public byte[][] Assemble(Func<MerkleNode, byte[]> hashOf) =>
        Ranges.Select(range => MerkleTree.RangeHash(MerkleTree.PerfectSubtrees(range.Start, range.End), hashOf)).ToArray();
}
