using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// The entry a record's leaf hash is taken over (<c>docs/ledger.md</c>, "Leaves"): the record as it is stored, with
/// personal fields in their stored (later, encrypted) form, so that destroying a key never changes a leaf, a tree or a
/// checkpoint. The record's index in its partition is inside the entry, so a record moved to another position no longer
/// matches its own leaf. Strings and bytes are length-prefixed (u32, big-endian), so no two records encode alike.
/// </summary>
internal static class LedgerLeaf
{
    private static readonly byte[] s_version = "auditgen/leaf/v1\n"u8.ToArray();

    /// <summary>The leaf entry of one stored record.</summary>
    public static byte[] Encode(long storedAtMilliseconds, long partitionIndex, string eventId, string partition, string action, ReadOnlySpan<byte> eventJson, string adjustments, string? rejection)
    {
        var entry = new byte[Length(eventId, partition, action, eventJson, adjustments, rejection)];
        Write(entry, storedAtMilliseconds, partitionIndex, eventId, partition, action, eventJson, adjustments, rejection);
        return entry;
    }

    /// <summary>
    /// The leaf hash of one stored record (RFC 9162: SHA-256 over 0x00 and the entry). Integration hashes every record,
    /// so the entry is written once, after the prefix, into a pooled buffer and hashed in one call.
    /// </summary>
    public static byte[] Hash(long storedAtMilliseconds, long partitionIndex, string eventId, string partition, string action, ReadOnlySpan<byte> eventJson, string adjustments, string? rejection)
    {
        var length = 1 + Length(eventId, partition, action, eventJson, adjustments, rejection);
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            rented[0] = 0x00;
            Write(rented.AsSpan(1, length - 1), storedAtMilliseconds, partitionIndex, eventId, partition, action, eventJson, adjustments, rejection);
            return SHA256.HashData(rented.AsSpan(0, length));
        }
        finally
        {
            // The buffer held event JSON, which can carry personal data: it goes back to the shared pool cleared.
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    private static int Length(string eventId, string partition, string action, ReadOnlySpan<byte> eventJson, string adjustments, string? rejection) =>
        s_version.Length + 16 + (6 * 4) + eventJson.Length + Encoding.UTF8.GetByteCount(eventId) + Encoding.UTF8.GetByteCount(partition)
        + Encoding.UTF8.GetByteCount(action) + Encoding.UTF8.GetByteCount(adjustments) + Encoding.UTF8.GetByteCount(rejection ?? "");

    private static void Write(Span<byte> destination, long storedAtMilliseconds, long partitionIndex, string eventId, string partition, string action, ReadOnlySpan<byte> eventJson, string adjustments, string? rejection)
    {
        s_version.CopyTo(destination);
        var position = s_version.Length;
        BinaryPrimitives.WriteInt64BigEndian(destination[position..], storedAtMilliseconds);
        BinaryPrimitives.WriteInt64BigEndian(destination[(position + 8)..], partitionIndex);
        position += 16;
        position = WriteString(destination, position, eventId);
        position = WriteString(destination, position, partition);
        position = WriteString(destination, position, action);
        BinaryPrimitives.WriteUInt32BigEndian(destination[position..], (uint)eventJson.Length);
        eventJson.CopyTo(destination[(position + 4)..]);
        position += 4 + eventJson.Length;
        position = WriteString(destination, position, adjustments);
        WriteString(destination, position, rejection ?? "");
    }

    private static int WriteString(Span<byte> destination, int position, string value)
    {
        var written = Encoding.UTF8.GetBytes(value, destination[(position + 4)..]);
        BinaryPrimitives.WriteUInt32BigEndian(destination[position..], (uint)written);
        return position + 4 + written;
    }
}
