namespace AuditGen.Ledger;

/// <summary>
/// A perfect subtree of a Merkle tree: the 2^<see cref="Level"/> leaves from <c>Index * 2^Level</c>. Level 0 is a
/// leaf. Only perfect subtrees are stored: their hashes never change once the tree has grown past them.
/// </summary>
internal readonly record struct MerkleNode(int Level, long Index)
{
    public long FirstLeaf => Index << Level;

    public long EndLeaf => (Index + 1) << Level;
}
