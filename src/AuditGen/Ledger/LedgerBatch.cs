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

    /// <summary>
    /// Encodes a batch into a buffer rented from the shared pool (a batch of 500 events is a large object, and one per
    /// commit would keep the collector busy). Return it with <see cref="Return"/> once the batch is stored.
    /// </summary>
    public static (byte[] Buffer, int Length) EncodeRented(IReadOnlyList<LedgerEntry> entries)
    {
        var length = 5;
        foreach (var entry in entries)
        {
            length += (9 * 4) + 8 + entry.EventJson.Length + Utf8Length(entry.EventId) + Utf8Length(entry.Partition) + Utf8Length(entry.Action)
                + Utf8Length(entry.ActorId) + Utf8Length(entry.ActorName) + Utf8Length(entry.Adjustments) + Utf8Length(entry.Rejection)
                + entry.TargetTypes.Sum(static type => 4 + Encoding.UTF8.GetByteCount(type));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(length);
        var writer = new Writer(buffer);
        writer.Byte(Version);
        writer.UInt32((uint)entries.Count);
        foreach (var entry in entries)
        {
            writer.String(entry.EventId);
            writer.String(entry.Partition);
            writer.String(entry.Action);
            writer.Int64(entry.OccurredAt);
            writer.String(entry.ActorId);
            writer.String(entry.ActorName);
            writer.UInt32((uint)entry.TargetTypes.Count);
            foreach (var type in entry.TargetTypes)
            {
                writer.String(type);
            }

            writer.Bytes(entry.EventJson.Span);
            writer.String(entry.Adjustments);
            writer.String(entry.Rejection);
        }

        return (buffer, writer.Position);
    }

    /// <summary>Returns a buffer of <see cref="EncodeRented"/>, or one a batch was read into, cleared: it held event JSON.</summary>
    public static void Return(byte[] buffer) => ArrayPool<byte>.Shared.Return(buffer, clearArray: true);

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

    private static int Utf8Length(string? value) => value is null ? 0 : Encoding.UTF8.GetByteCount(value);

    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Position { get; private set; }

        public void Byte(byte value) => _buffer[Position++] = value;

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_buffer[Position..], value);
            Position += 4;
        }

        public void Int64(long value)
        {
            BinaryPrimitives.WriteInt64BigEndian(_buffer[Position..], value);
            Position += 8;
        }

        public void Bytes(ReadOnlySpan<byte> value)
        {
            UInt32((uint)value.Length);
            value.CopyTo(_buffer[Position..]);
            Position += value.Length;
        }

        public void String(string? value)
        {
            if (value is null)
            {
                UInt32(Missing);
                return;
            }

            var written = Encoding.UTF8.GetBytes(value, _buffer[(Position + 4)..]);
            UInt32((uint)written);
            Position += written;
        }
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
