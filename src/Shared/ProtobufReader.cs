// Compiled into the OpenTelemetry sink (which reads a collector's partial-success answer) and the emulator's OTLP
// receiver (which reads whole export requests), so both read protocol buffers the same way.

using System.Text;

namespace AuditGen;

/// <summary>
/// Reads the protocol buffers wire format field by field: varints (non-minimal ones too, as the OpenTelemetry SDK writes
/// them), 32- and 64-bit fixed values and length-delimited fields. Malformed input throws <see cref="FormatException"/>.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private const ulong MaxFieldNumber = (1 << 29) - 1;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private ReadOnlySpan<byte> _rest = data;

    /// <summary>Moves to the next field, or returns <see langword="false"/> at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        field = 0;
        wireType = 0;
        if (_rest.IsEmpty)
        {
            return false;
        }

        var tag = ReadVarint();
        if (tag >> 3 is 0 or > MaxFieldNumber)
        {
            throw new FormatException($"A protobuf field number is {tag >> 3}, outside 1 to {MaxFieldNumber}.");
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var next = Take(1)[0];
            if (shift == 63 && next > 1)
            {
                throw new FormatException("A protobuf varint is larger than 64 bits.");
            }

            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value;
            }
        }

        throw new FormatException("A protobuf varint is longer than 10 bytes.");
    }

    public ulong ReadFixed64() => System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadVarint();
        return length <= (ulong)_rest.Length ? Take((int)length) : throw new FormatException("A protobuf field is longer than its message.");
    }

    public string ReadString()
    {
        try
        {
            return s_strictUtf8.GetString(ReadBytes());
        }
        catch (DecoderFallbackException exception)
        {
            throw new FormatException("A protobuf string is not UTF-8.", exception);
        }
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: ReadBytes(); break;
            case Fixed32: Take(4); break;
            default: throw new FormatException($"Protobuf wire type {wireType} is not supported.");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_rest.Length < count)
        {
            throw new FormatException("A protobuf message ends in the middle of a field.");
        }

        var taken = _rest[..count];
        _rest = _rest[count..];
        return taken;
    }
}
