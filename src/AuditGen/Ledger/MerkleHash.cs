using System.Buffers;
using System.Security.Cryptography;

namespace AuditGen.Ledger;

/// <summary>
/// The hashes of an RFC 6962 / RFC 9162 Merkle tree: SHA-256, with a leaf's entry prefixed by 0x00 and an interior
/// node's two children by 0x01, so that no leaf can pass for a node.
/// </summary>
internal static class MerkleHash
{
    public const int Size = 32;

    private const int StackLimit = 1024;

    /// <summary>The hash of the tree with no entries: SHA-256 of nothing.</summary>
    public static ReadOnlySpan<byte> EmptyTree => SHA256.HashData([]);

    public static byte[] Leaf(ReadOnlySpan<byte> entry)
    {
        var hash = new byte[Size];
        Leaf(entry, hash);
        return hash;
    }

    public static void Leaf(ReadOnlySpan<byte> entry, Span<byte> destination)
    {
        var length = entry.Length + 1;
        byte[]? rented = null;
        var input = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        input[0] = 0x00;
        entry.CopyTo(input[1..]);
        SHA256.HashData(input, destination);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[Size];
        Span<byte> input = stackalloc byte[1 + (2 * Size)];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + Size)..]);
        SHA256.HashData(input, hash);
        return hash;
    }
}
