using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuditGen.Events;

/// <summary>
/// Writes <c>occurred_at</c> as JavaScript's <c>Date.toISOString()</c> does, which is what the official
/// WorkOS SDK sends: UTC, millisecond precision, a trailing <c>Z</c> (<c>2026-11-22T08:15:30.123Z</c>).
/// </summary>
internal sealed class WorkOsTimestampJsonConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    /// <inheritdoc />
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (text is null || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new JsonException($"'{text}' is not an ISO-8601 timestamp.");
        }

        return value;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        Span<char> buffer = stackalloc char[24];
        value.UtcDateTime.TryFormat(buffer, out var written, Format, CultureInfo.InvariantCulture);
        writer.WriteStringValue(buffer[..written]);
    }
}
