using System.Text.Json.Nodes;

namespace AuditGen.WorkOsEmulator.Streams;

/// <summary>
/// Reads an OTLP <c>ExportLogsServiceRequest</c> (opentelemetry-proto, <c>collector/logs/v1</c>) into one JSON object per
/// log record: its resource's and scope's names beside the record's times, severity, body and attributes.
/// </summary>
internal static class OtlpLogsRequest
{
    /// <summary>The log records, or <see cref="FormatException"/> when the body is not a valid request.</summary>
    public static List<JsonObject> Read(ReadOnlySpan<byte> body)
    {
        var records = new List<JsonObject>();
        var request = new ProtobufReader(body);
        while (request.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == ProtobufReader.LengthDelimited)
            {
                ReadResourceLogs(request.ReadBytes(), records);
            }
            else
            {
                request.Skip(wireType);
            }
        }

        return records;
    }

    private static void ReadResourceLogs(ReadOnlySpan<byte> message, List<JsonObject> records)
    {
        var resource = new JsonObject();
        var first = records.Count;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, ProtobufReader.LengthDelimited):
                    resource = Attributes(reader.ReadBytes(), attributesField: 1);
                    break;
                case (2, ProtobufReader.LengthDelimited):
                    ReadScopeLogs(reader.ReadBytes(), records);
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        for (var i = first; i < records.Count; i++)
        {
            records[i]["resource"] = resource.DeepClone();
        }
    }

    private static void ReadScopeLogs(ReadOnlySpan<byte> message, List<JsonObject> records)
    {
        string? scope = null;
        var first = records.Count;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, ProtobufReader.LengthDelimited):
                    scope = ScopeName(reader.ReadBytes());
                    break;
                case (2, ProtobufReader.LengthDelimited):
                    records.Add(LogRecord(reader.ReadBytes()));
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        for (var i = first; i < records.Count; i++)
        {
            records[i]["scope"] = scope;
        }
    }

    private static string? ScopeName(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == ProtobufReader.LengthDelimited)
            {
                return reader.ReadString();
            }

            reader.Skip(wireType);
        }

        return null;
    }

    private static JsonObject LogRecord(ReadOnlySpan<byte> message)
    {
        var record = new JsonObject();
        var attributes = new JsonObject();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, ProtobufReader.Fixed64):
                    record["time_unix_nano"] = reader.ReadFixed64();
                    break;
                case (11, ProtobufReader.Fixed64):
                    record["observed_time_unix_nano"] = reader.ReadFixed64();
                    break;
                case (2, ProtobufReader.Varint):
                    record["severity_number"] = (int)reader.ReadVarint();
                    break;
                case (3, ProtobufReader.LengthDelimited):
                    record["severity_text"] = reader.ReadString();
                    break;
                case (5, ProtobufReader.LengthDelimited):
                    record["body"] = AnyValue(reader.ReadBytes());
                    break;
                case (6, ProtobufReader.LengthDelimited):
                    var (key, value) = KeyValue(reader.ReadBytes());
                    attributes[key] = value;
                    break;
                case (7, ProtobufReader.Varint):
                    record["dropped_attributes_count"] = (long)reader.ReadVarint();
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        record["attributes"] = attributes;
        return record;
    }

    private static JsonObject Attributes(ReadOnlySpan<byte> message, int attributesField)
    {
        var attributes = new JsonObject();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == attributesField && wireType == ProtobufReader.LengthDelimited)
            {
                var (key, value) = KeyValue(reader.ReadBytes());
                attributes[key] = value;
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return attributes;
    }

    private static (string Key, JsonNode? Value) KeyValue(ReadOnlySpan<byte> message)
    {
        var key = "";
        JsonNode? value = null;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, ProtobufReader.LengthDelimited):
                    key = reader.ReadString();
                    break;
                case (2, ProtobufReader.LengthDelimited):
                    value = AnyValue(reader.ReadBytes());
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }

        return (key, value);
    }

    /// <summary>An <c>AnyValue</c>: string, bool, int, double, array, key-value list or bytes (as base64).</summary>
    private static JsonNode? AnyValue(ReadOnlySpan<byte> message)
    {
        JsonNode? value = null;
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field, wireType)
            {
                case (1, ProtobufReader.LengthDelimited): value = reader.ReadString(); break;
                case (2, ProtobufReader.Varint): value = reader.ReadVarint() != 0; break;
                case (3, ProtobufReader.Varint): value = (long)reader.ReadVarint(); break;
                case (4, ProtobufReader.Fixed64): value = BitConverter.UInt64BitsToDouble(reader.ReadFixed64()); break;
                case (5, ProtobufReader.LengthDelimited): value = new JsonArray([.. Values(reader.ReadBytes())]); break;
                case (6, ProtobufReader.LengthDelimited): value = Attributes(reader.ReadBytes(), attributesField: 1); break;
                case (7, ProtobufReader.LengthDelimited): value = Convert.ToBase64String(reader.ReadBytes()); break;
                default: reader.Skip(wireType); break;
            }
        }

        return value;
    }

    private static List<JsonNode?> Values(ReadOnlySpan<byte> message)
    {
        var values = new List<JsonNode?>();
        var reader = new ProtobufReader(message);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == ProtobufReader.LengthDelimited)
            {
                values.Add(AnyValue(reader.ReadBytes()));
            }
            else
            {
                reader.Skip(wireType);
            }
        }

        return values;
    }
}
