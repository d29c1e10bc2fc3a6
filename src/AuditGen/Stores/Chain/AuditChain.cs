using System.Buffers;
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
/// The filter columns (action, occurred_at, actor, target types) are derived from the event JSON;
/// verification checks them against it.
/// The sequence is inside the hash, so a moved record breaks the chain as surely as an edited one,
/// and a deleted or inserted record breaks it at the record after.
/// </summary>
internal static class AuditChain
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
        // The canonical form is assembled in one buffer and hashed in one call: the writer hashes every stored event,
        // and an incremental hash per event costs more than the hashing itself.
        var rejectionField = rejection is null ? "-" : "+" + rejection;
        var length = s_tag.Length + 8 + previousHash.Length + 8 + 5 * 4 + eventJson.Length
            + Encoding.UTF8.GetByteCount(eventId) + Encoding.UTF8.GetByteCount(organizationId)
            + Encoding.UTF8.GetByteCount(adjustments) + Encoding.UTF8.GetByteCount(rejectionField);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var canonical = new CanonicalWriter(rented);
            canonical.Write(s_tag);
            canonical.WriteInt64(sequence);
            canonical.Write(previousHash);
            canonical.WriteInt64(storedAt);
            canonical.WriteField(eventId);
            canonical.WriteField(organizationId);
            canonical.WriteField(eventJson);
            canonical.WriteField(adjustments);
            canonical.WriteField(rejectionField);
            return SHA256.HashData(rented.AsSpan(0, canonical.Position));
        }
        finally
        {
            // The buffer held event JSON, which can carry personal data: it goes back to the shared pool cleared.
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    private ref struct CanonicalWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Position { get; private set; }

        public void Write(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer[Position..]);
            Position += bytes.Length;
        }

        public void WriteInt64(long value)
        {
            BinaryPrimitives.WriteInt64BigEndian(_buffer[Position..], value);
            Position += 8;
        }

        public void WriteField(ReadOnlySpan<byte> field)
        {
            BinaryPrimitives.WriteInt32BigEndian(_buffer[Position..], field.Length);
            Position += 4;
            Write(field);
        }

        public void WriteField(string field)
        {
            var written = Encoding.UTF8.GetBytes(field, _buffer[(Position + 4)..]);
            BinaryPrimitives.WriteInt32BigEndian(_buffer[Position..], written);
            Position += 4 + written;
        }
    }
}
