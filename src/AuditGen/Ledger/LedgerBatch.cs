using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// A sequenced batch: the entries one commit made durable, in one blob, before integration places them in their
/// partitions. Its encoding is private to the ledger (a batch lives only until it is integrated): a version byte, the
/// entry count, then each entry's fields, strings and bytes as a u32 length and the bytes, a missing value as length
/// <see cref="uint.MaxValue"/>.
/// </summary>
internal static class LedgerBatch
{
    private const byte Version = 1;
    private const uint Missing = uint.MaxValue;

    public static byte[] Encode(IReadOnlyList<LedgerEntry> entries)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + entries.Sum(static entry => entry.EventJson.Length + 256));
        buffer.GetSpan(1)[0] = Version;
        buffer.Advance(1);
        WriteUInt32(buffer, (uint)entries.Count);
        foreach (var entry in entries)
        {
            WriteString(buffer, entry.EventId);
            WriteString(buffer, entry.Partition);
            WriteString(buffer, entry.Action);
            BinaryPrimitives.WriteInt64BigEndian(buffer.GetSpan(8), entry.OccurredAt);
            buffer.Advance(8);
            WriteString(buffer, entry.ActorId);
            WriteString(buffer, entry.ActorName);
            WriteUInt32(buffer, (uint)entry.TargetTypes.Count);
            foreach (var type in entry.TargetTypes)
            {
                WriteString(buffer, type);
            }

            WriteUInt32(buffer, (uint)entry.EventJson.Length);
            buffer.Write(entry.EventJson.Span);
            WriteString(buffer, entry.Adjustments);
            WriteString(buffer, entry.Rejection);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>How many entries the batch holds, from its header.</summary>
    public static int Count(ReadOnlySpan<byte> blob) => blob.Length >= 5 ? (int)BinaryPrimitives.ReadUInt32BigEndian(blob[1..]) : 0;

    /// <exception cref="InvalidDataException">The blob is not a batch this version wrote.</exception>
    public static List<LedgerEntry> Decode(ReadOnlyMemory<byte> blob)
    {
        var reader = new Reader(blob);
        if (reader.Byte() != Version)
        {
            throw new InvalidDataException("The sequenced batch has an unknown format version.");
        }

        var count = reader.UInt32();
        var entries = new List<LedgerEntry>((int)Math.Min(count, 10_000));
        for (var i = 0; i < count; i++)
        {
            var eventId = reader.String()!;
            var partition = reader.String()!;
            var action = reader.String()!;
            var occurredAt = reader.Int64();
            var actorId = reader.String()!;
            var actorName = reader.String();
            var types = new string[reader.UInt32()];
            for (var t = 0; t < types.Length; t++)
            {
                types[t] = reader.String()!;
            }

            var json = reader.Bytes();
            entries.Add(new LedgerEntry(eventId, partition, action, occurredAt, actorId, actorName, types, json, reader.String()!, reader.String()));
        }

        return entries;
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> buffer, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(buffer.GetSpan(4), value);
        buffer.Advance(4);
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null)
        {
            WriteUInt32(buffer, Missing);
            return;
        }

        var length = Encoding.UTF8.GetByteCount(value);
        WriteUInt32(buffer, (uint)length);
        buffer.Advance(Encoding.UTF8.GetBytes(value, buffer.GetSpan(length)));
    }

    private struct Reader(ReadOnlyMemory<byte> blob)
    {
        private int _position;

        public byte Byte() => Take(1)[0];

        public uint UInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

        public long Int64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

        public ReadOnlyMemory<byte> Bytes()
        {
            var length = (int)UInt32();
            var start = _position;
            Take(length);
            return blob.Slice(start, length);
        }

        public string? String()
        {
            var length = UInt32();
            return length == Missing ? null : Encoding.UTF8.GetString(Take((int)length));
        }

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || _position + length > blob.Length)
            {
                throw new InvalidDataException("The sequenced batch ends before its last entry.");
            }

            var span = blob.Span.Slice(_position, length);
            _position += length;
            return span;
        }
    }
}
