namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>What an OTLP/HTTP collector's protobuf answer says (opentelemetry-proto, <c>collector/logs/v1</c>).</summary>
internal static class OtlpResponse
{
    /// <summary>
    /// From an <c>ExportLogsServiceResponse</c>, the records its <c>partial_success</c> refused and why; (0, null) for a
    /// full success or a body that cannot be read.
    /// </summary>
    public static (long Rejected, string? Message) PartialSuccess(ReadOnlySpan<byte> body)
    {
        try
        {
            var response = new ProtobufReader(body);
            while (response.TryReadTag(out var field, out var wireType))
            {
                if (field != 1 || wireType != ProtobufReader.LengthDelimited)
                {
                    response.Skip(wireType);
                    continue;
                }

                long rejected = 0;
                string? message = null;
                var partial = new ProtobufReader(response.ReadBytes());
                while (partial.TryReadTag(out var partialField, out var partialWireType))
                {
                    switch (partialField, partialWireType)
                    {
                        case (1, ProtobufReader.Varint): rejected = (long)partial.ReadVarint(); break;
                        case (2, ProtobufReader.LengthDelimited): message = partial.ReadString(); break;
                        default: partial.Skip(partialWireType); break;
                    }
                }

                return (rejected, message);
            }
        }
        catch (FormatException)
        {
            // Not a response this sink can read: the HTTP status alone decides.
        }

        return (0, null);
    }

    /// <summary>The message of a <c>google.rpc.Status</c> failure body, or <see langword="null"/>.</summary>
    public static string? StatusMessage(ReadOnlySpan<byte> body)
    {
        try
        {
            var status = new ProtobufReader(body);
            while (status.TryReadTag(out var field, out var wireType))
            {
                if (field == 2 && wireType == ProtobufReader.LengthDelimited)
                {
                    return status.ReadString();
                }

                status.Skip(wireType);
            }
        }
        catch (FormatException)
        {
            // A body that is not a Status: the HTTP status alone describes the failure.
        }

        return null;
    }
}
