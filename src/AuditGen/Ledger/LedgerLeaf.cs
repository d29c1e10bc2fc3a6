using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// The entry a record's leaf hash is taken over (<c>docs/ledger.md</c>, "Leaves"): the record as it is stored, with
/// personal fields in their stored (later, encrypted) form, so that destroying a key never changes a leaf, a tree or a
/// checkpoint. Strings and bytes are length-prefixed (u32, big-endian), so no two records encode alike.
/// </summary>
internal static class LedgerLeaf
{
    private static readonly byte[] s_version = "auditgen/leaf/v1\n"u8.ToArray();

    /// <summary>The leaf entry of one stored record.</summary>
    public static byte[] Encode(long storedAtMilliseconds, string eventId, string partition, string action, ReadOnlySpan<byte> eventJson, string adjustments, string? rejection)
    {
        var buffer = new ArrayBufferWriter<byte>(s_version.Length + 8 + eventJson.Length + 256);
        buffer.Write(s_version);
        BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), storedAtMilliseconds);
        buffer.Advance(8);
        WriteString(buffer, eventId);
        WriteString(buffer, partition);
        WriteString(buffer, action);
        WriteBytes(buffer, eventJson);
        WriteString(buffer, adjustments);
        WriteString(buffer, rejection ?? "");
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The leaf hash of one stored record (RFC 9162: SHA-256 over 0x00 and the entry).</summary>
    public static byte[] Hash(long storedAtMilliseconds, string eventId, string partition, string action, ReadOnlySpan<byte> eventJson, string adjustments, string? rejection) =>
        MerkleHash.Leaf(Encode(storedAtMilliseconds, eventId, partition, action, eventJson, adjustments, rejection));

    private static void WriteString(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        BinaryPrimitives.WriteUInt32BigEndian(buffer.GetSpan(4), (uint)length);
        buffer.Advance(4);
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(length)));
    }

    private static void WriteBytes(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(buffer.GetSpan(4), (uint)value.Length);
        buffer.Advance(4);
        buffer.Write(value);
    }
}
