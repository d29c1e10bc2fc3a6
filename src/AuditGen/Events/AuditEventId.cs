using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace AuditGen.Events;

/// <summary>
/// The identity of one audit event: a UUID version 7 (RFC 9562), assigned when the event is
/// created and never changed. Ids created in one process are strictly increasing, so they sort
/// in creation order; downstream they are the idempotency key sent to every sink.
/// </summary>
public readonly record struct AuditEventId : IComparable<AuditEventId>
{
    // 48 bits of Unix milliseconds followed by a 12-bit counter (RFC 9562 §6.2, method 1).
    // When more than 4,096 ids are made in one millisecond the counter carries into the
    // timestamp, which then runs slightly ahead of the clock; order is never broken.
    private static long s_lastTimestampAndCounter;

    private AuditEventId(Guid value) => Value = value;

    /// <summary>The id as a <see cref="Guid"/>.</summary>
    public Guid Value { get; }

    /// <summary>Creates a new id, greater than every id this process created before.</summary>
    /// <remarks>
    /// Always the system clock: ids must keep increasing across the whole process, so one clock feeds
    /// them all (a test clock set in the future would otherwise pin every later id there).
    /// </remarks>
    public static AuditEventId New()
    {
        var next = NextTimestampAndCounter(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], Random.Shared.NextInt64());
        var timestamp = next >> 12;
        var counter = (int)(next & 0xFFF);
        bytes[0] = (byte)(timestamp >> 40);
        bytes[1] = (byte)(timestamp >> 32);
        bytes[2] = (byte)(timestamp >> 24);
        bytes[3] = (byte)(timestamp >> 16);
        bytes[4] = (byte)(timestamp >> 8);
        bytes[5] = (byte)timestamp;
        bytes[6] = (byte)(0x70 | (counter >> 8));
        bytes[7] = (byte)counter;
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new AuditEventId(new Guid(bytes, bigEndian: true));
    }

    /// <summary>Wraps an id read back from storage.</summary>
    /// <exception cref="ArgumentException">The value is not a version 7 UUID.</exception>
    public static AuditEventId FromGuid(Guid value)
    {
        if (value.Version != 7)
        {
            throw new ArgumentException($"'{value}' is not a version 7 UUID, so it is not an audit event id.", nameof(value));
        }

        return new AuditEventId(value);
    }

    /// <summary>Parses the canonical form written by <see cref="ToString"/>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out AuditEventId id)
    {
        if (Guid.TryParseExact(text, "D", out var value) && value.Version == 7)
        {
            id = new AuditEventId(value);
            return true;
        }

        id = default;
        return false;
    }

    /// <summary>The time encoded in the id, to the millisecond.</summary>
    public DateTimeOffset Timestamp
    {
        get
        {
            Span<byte> bytes = stackalloc byte[16];
            Value.TryWriteBytes(bytes, bigEndian: true, out _);
            var milliseconds = (long)BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16;
            return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        }
    }

    /// <inheritdoc />
    public int CompareTo(AuditEventId other) => Value.CompareTo(other.Value);

    /// <summary>Whether <paramref name="left"/> was created before <paramref name="right"/>.</summary>
    public static bool operator <(AuditEventId left, AuditEventId right) => left.CompareTo(right) < 0;

    /// <summary>Whether <paramref name="left"/> was created before, or is <paramref name="right"/>.</summary>
    public static bool operator <=(AuditEventId left, AuditEventId right) => left.CompareTo(right) <= 0;

    /// <summary>Whether <paramref name="left"/> was created after <paramref name="right"/>.</summary>
    public static bool operator >(AuditEventId left, AuditEventId right) => left.CompareTo(right) > 0;

    /// <summary>Whether <paramref name="left"/> was created after, or is <paramref name="right"/>.</summary>
    public static bool operator >=(AuditEventId left, AuditEventId right) => left.CompareTo(right) >= 0;

    /// <summary>The lowercase hyphenated form, e.g. <c>019a9c4e-7b2a-7000-8000-0123456789ab</c>.</summary>
    public override string ToString() => Value.ToString("D");

    private static long NextTimestampAndCounter(long unixMilliseconds)
    {
        var floor = unixMilliseconds << 12;
        while (true)
        {
            var last = Volatile.Read(ref s_lastTimestampAndCounter);
            var next = Math.Max(floor, last + 1);
            if (Interlocked.CompareExchange(ref s_lastTimestampAndCounter, next, last) == last)
            {
                return next;
            }
        }
    }
}
