using System.Globalization;

namespace AuditGen.Events;

/// <summary>The kinds of value WorkOS accepts in metadata: no nesting, no null.</summary>
public enum AuditMetadataValueKind
{
    /// <summary>A string of at most 500 characters.</summary>
    Text,

    /// <summary>A whole number, written without a fraction.</summary>
    WholeNumber,

    /// <summary>A finite floating-point number.</summary>
    Number,

    /// <summary><see langword="true"/> or <see langword="false"/>.</summary>
    Boolean,
}

/// <summary>One metadata value: a string, a number, or a boolean.</summary>
public readonly struct AuditMetadataValue : IEquatable<AuditMetadataValue>
{
    private readonly string? _string;

    // A whole number, a boolean as 0 or 1, or a number's bits: one field keeps the value (and each metadata entry) small.
    private readonly long _bits;

    private AuditMetadataValue(AuditMetadataValueKind kind, string? text, long bits)
    {
        Kind = kind;
        _string = text;
        _bits = bits;
    }

    /// <summary>What this value holds.</summary>
    public AuditMetadataValueKind Kind { get; }

    /// <summary><see langword="true"/> for <c>default(AuditMetadataValue)</c>, which holds nothing and is refused by validation.</summary>
    public bool IsEmpty => Kind == AuditMetadataValueKind.Text && _string is null;

    /// <summary>Creates a string value.</summary>
    public static AuditMetadataValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(AuditMetadataValueKind.Text, value, 0);
    }

    /// <summary>Creates a whole-number value.</summary>
    public static AuditMetadataValue FromInt64(long value) => new(AuditMetadataValueKind.WholeNumber, null, value);

    /// <summary>Creates a number value. NaN and infinities are refused by validation, as JSON cannot hold them.</summary>
    public static AuditMetadataValue FromDouble(double value) => new(AuditMetadataValueKind.Number, null, BitConverter.DoubleToInt64Bits(value));

    /// <summary>Creates a boolean value.</summary>
    public static AuditMetadataValue FromBoolean(bool value) => new(AuditMetadataValueKind.Boolean, null, value ? 1 : 0);

    /// <summary>A string value.</summary>
    public static implicit operator AuditMetadataValue(string value) => FromString(value);

    /// <summary>A whole-number value.</summary>
    public static implicit operator AuditMetadataValue(long value) => FromInt64(value);

    /// <summary>A whole-number value.</summary>
    public static implicit operator AuditMetadataValue(int value) => FromInt64(value);

    /// <summary>A number value.</summary>
    public static implicit operator AuditMetadataValue(double value) => FromDouble(value);

    /// <summary>A whole number when <paramref name="value"/> has no fraction and fits a long; otherwise a number.</summary>
    public static implicit operator AuditMetadataValue(decimal value) =>
        decimal.Truncate(value) == value && value is >= long.MinValue and <= long.MaxValue
            ? FromInt64((long)value)
            : FromDouble((double)value);

    /// <summary>A boolean value.</summary>
    public static implicit operator AuditMetadataValue(bool value) => FromBoolean(value);

    /// <summary>The string, when <see cref="Kind"/> is <see cref="AuditMetadataValueKind.Text"/>.</summary>
    public string AsString() => Kind == AuditMetadataValueKind.Text ? _string! : throw WrongKind(AuditMetadataValueKind.Text);

    /// <summary>The whole number, when <see cref="Kind"/> is <see cref="AuditMetadataValueKind.WholeNumber"/>.</summary>
    public long AsInt64() => Kind == AuditMetadataValueKind.WholeNumber ? _bits : throw WrongKind(AuditMetadataValueKind.WholeNumber);

    /// <summary>The number, when <see cref="Kind"/> is a number kind.</summary>
    public double AsDouble() => Kind switch
    {
        AuditMetadataValueKind.Number => Number,
        AuditMetadataValueKind.WholeNumber => _bits,
        _ => throw WrongKind(AuditMetadataValueKind.Number),
    };

    /// <summary>The boolean, when <see cref="Kind"/> is <see cref="AuditMetadataValueKind.Boolean"/>.</summary>
    public bool AsBoolean() => Kind == AuditMetadataValueKind.Boolean ? _bits != 0 : throw WrongKind(AuditMetadataValueKind.Boolean);

    /// <inheritdoc />
    public bool Equals(AuditMetadataValue other) =>
        Kind == other.Kind && (Kind == AuditMetadataValueKind.Number ? Number.Equals(other.Number) : _bits == other._bits && string.Equals(_string, other._string, StringComparison.Ordinal));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AuditMetadataValue other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Kind == AuditMetadataValueKind.Number ? HashCode.Combine(Kind, Number) : HashCode.Combine(Kind, _string, _bits);

    /// <summary>Whether both hold the same kind and value.</summary>
    public static bool operator ==(AuditMetadataValue left, AuditMetadataValue right) => left.Equals(right);

    /// <summary>Whether they differ in kind or value.</summary>
    public static bool operator !=(AuditMetadataValue left, AuditMetadataValue right) => !left.Equals(right);

    /// <summary>The value as it reads in JSON (strings unquoted).</summary>
    public override string ToString() => Kind switch
    {
        AuditMetadataValueKind.Text => _string ?? "",
        AuditMetadataValueKind.WholeNumber => _bits.ToString(CultureInfo.InvariantCulture),
        AuditMetadataValueKind.Number => Number.ToString("R", CultureInfo.InvariantCulture),
        _ => _bits != 0 ? "true" : "false",
    };

    private double Number => BitConverter.Int64BitsToDouble(_bits);

    private InvalidOperationException WrongKind(AuditMetadataValueKind wanted) =>
        new($"This metadata value is a {Kind}, not a {wanted}.");
}
