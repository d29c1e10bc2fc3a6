namespace AuditGen.Ledger;

/// <summary>
/// Checks inclusion and consistency proofs with the algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2, step by step:
/// what a customer, a witness or <c>auditgen verify-export</c> runs, knowing nothing but the proof, the sizes and the roots.
/// </summary>
internal static class MerkleProof
{
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= size)
        {
            return false;
        }

        var (fn, sn) = (index, size - 1);
        var hash = leafHash.ToArray();
        foreach (var sibling in proof)
        {
            if (sn == 0 || sibling.Length != MerkleHash.Size)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                hash = MerkleHash.Node(sibling, hash);
                while ((fn & 1) == 0 && fn != 0)
                {
                    (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                hash = MerkleHash.Node(hash, sibling);
            }

            (fn, sn) = (fn >> 1, sn >> 1);
        }

        return sn == 0 && hash.AsSpan().SequenceEqual(root);
    }

    public static bool VerifyConsistency(long oldSize, long newSize, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot, IReadOnlyList<byte[]> proof)
    {
        if (oldSize < 0 || oldSize > newSize)
        {
            return false;
        }

        if (oldSize == newSize)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }

        if (oldSize == 0)
        {
            return proof.Count == 0;
        }

        IReadOnlyList<byte[]> path = (oldSize & (oldSize - 1)) == 0 ? [oldRoot.ToArray(), .. proof] : proof;
        if (path.Count == 0 || path.Any(static hash => hash.Length != MerkleHash.Size))
        {
            return false;
        }

        var (fn, sn) = (oldSize - 1, newSize - 1);
        while ((fn & 1) == 1)
        {
            (fn, sn) = (fn >> 1, sn >> 1);
        }

        var (oldHash, newHash) = (path[0], path[0]);
        foreach (var hash in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                oldHash = MerkleHash.Node(hash, oldHash);
                newHash = MerkleHash.Node(hash, newHash);
                while ((fn & 1) == 0 && fn != 0)
                {
                    (fn, sn) = (fn >> 1, sn >> 1);
                }
            }
            else
            {
                newHash = MerkleHash.Node(newHash, hash);
            }

            (fn, sn) = (fn >> 1, sn >> 1);
        }

        return sn == 0 && oldHash.AsSpan().SequenceEqual(oldRoot) && newHash.AsSpan().SequenceEqual(newRoot);
    }
}
