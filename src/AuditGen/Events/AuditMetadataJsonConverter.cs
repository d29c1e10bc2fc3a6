using System.Text.Json;
using System.Text.Json.Serialization;

namespace AuditGen.Events;

/// <summary>Reads and writes a flat metadata object whose values are strings, numbers or booleans.</summary>
internal sealed class AuditMetadataJsonConverter : JsonConverter<AuditMetadata>
{
    /// <inheritdoc />
    public override AuditMetadata Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("Metadata must be a JSON object.");
        }

        var metadata = new AuditMetadata();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            metadata[key] = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number when reader.TryGetInt64(out var integer) => integer,
                JsonTokenType.Number => reader.GetDouble(),
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                _ => throw new JsonException($"Metadata value '{key}' must be a string, a number or a boolean; WorkOS allows no nesting and no null."),
            };
        }

        return metadata;
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, AuditMetadata value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, item) in value)
        {
            writer.WritePropertyName(key);
            switch (item.Kind)
            {
                case AuditMetadataValueKind.Text:
                    writer.WriteStringValue(item.AsString());
                    break;
                case AuditMetadataValueKind.WholeNumber:
                    writer.WriteNumberValue(item.AsInt64());
                    break;
                case AuditMetadataValueKind.Number:
                    writer.WriteNumberValue(item.AsDouble());
                    break;
                default:
                    writer.WriteBooleanValue(item.AsBoolean());
                    break;
            }
        }

        writer.WriteEndObject();
    }
}
