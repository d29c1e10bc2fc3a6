using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AuditGen.Stores.Chain;

/// <summary>
/// The tamper-evident chain over stored records: one global chain in store order.
/// <c>hash(n) = SHA-256(canonical(n) with hash(n-1))</c>, where the canonical form is, in order:
/// <list type="bullet">
/// <item>the ASCII tag <c>AuditGen.chain.v1</c>;</item>
/// <item>the record's sequence as a big-endian 64-bit integer;</item>
/// <item>the previous hash (32 bytes; 32 zero bytes before the first record);</item>
/// <item>the time it was stored, as big-endian 64-bit Unix milliseconds;</item>
/// <item>event id, organization id, event JSON, adjustments (joined with <c>\n</c>) and rejection
/// (<c>-</c> before it when there is none, so none and an empty one differ), each as a big-endian
/// 32-bit byte length followed by its UTF-8 bytes.</item>
/// </list>
/// The indexed columns (action, occurred_at, actor, target types) are derived from the event JSON;
/// verification checks them against it.
/// The sequence is inside the hash, so a moved record breaks the chain as surely as an edited one,
/// and a deleted or inserted record breaks it at the record after.
/// </summary>
public static class AuditChain
{
    /// <summary>The hash before the first record.</summary>
    public static ReadOnlyMemory<byte> Genesis { get; } = new byte[32];

    private static readonly byte[] s_tag = Encoding.ASCII.GetBytes("AuditGen.chain.v1");

    /// <summary>The hash of one record, given the hash of the record before it.</summary>
    public static byte[] Hash(
        long sequence,
        ReadOnlySpan<byte> previousHash,
        long storedAt,
        string eventId,
        string organizationId,
        ReadOnlySpan<byte> eventJson,
        string adjustments,
        string? rejection)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        hash.AppendData(s_tag);
        BinaryPrimitives.WriteInt64BigEndian(number, sequence);
        hash.AppendData(number);
        hash.AppendData(previousHash);
        BinaryPrimitives.WriteInt64BigEndian(number, storedAt);
        hash.AppendData(number);
        AppendField(hash, Encoding.UTF8.GetBytes(eventId));
        AppendField(hash, Encoding.UTF8.GetBytes(organizationId));
        AppendField(hash, eventJson);
        AppendField(hash, Encoding.UTF8.GetBytes(adjustments));
        AppendField(hash, Encoding.UTF8.GetBytes(rejection is null ? "-" : "+" + rejection));
        return hash.GetHashAndReset();
    }

    private static void AppendField(IncrementalHash hash, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, field.Length);
        hash.AppendData(length);
        hash.AppendData(field);
    }
}
