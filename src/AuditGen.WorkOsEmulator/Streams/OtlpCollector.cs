using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator.Faults;
using AuditGen.WorkOsEmulator.Inspection;
using Microsoft.Extensions.Options;

namespace AuditGen.WorkOsEmulator.Streams;

/// <summary>
/// An OpenTelemetry collector's OTLP/HTTP logs receiver (<c>POST /v1/logs</c>) as the OTLP specification describes it:
/// binary protobuf (<c>application/x-protobuf</c>; 415 otherwise, since AuditGen never sends OTLP's JSON encoding),
/// gzip or uncompressed, at most 20 MiB decompressed (the collector's default; 413), a bearer token when tokens are
/// configured (as the collector's <c>bearertokenauth</c> extension checks it; 401), 400 with a <c>google.rpc.Status</c>
/// for a body that is not an <c>ExportLogsServiceRequest</c>, and 200 with an <c>ExportLogsServiceResponse</c> whose
/// partial success counts the records it rejected (those whose <c>audit.action</c> is listed in
/// <see cref="LogStreamOptions.OtlpRejectedActions"/>).
/// </summary>
internal static class OtlpCollector
{
    public const string Receiver = "otlp";

    private const int MaxRequestBytes = 20 * 1024 * 1024;

    // google.rpc.Code values the collector answers with.
    private const int InvalidArgument = 3;
    private const int Unauthenticated = 16;

    public static void MapOtlpCollector(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/logs", async (HttpContext context, IOptionsMonitor<EmulatorOptions> options, StreamInbox inbox, FaultInjector faults, EmulatorStatistics statistics) =>
        {
            var settings = options.CurrentValue.Streams;
            if (settings.OtlpBearerTokens.Count > 0
                && !settings.OtlpBearerTokens.Any(token => context.Request.Headers.Authorization.ToString() == "Bearer " + token))
            {
                return Status(StatusCodes.Status401Unauthorized, Unauthenticated, "missing or unknown bearer token");
            }

            if (!string.Equals(context.Request.ContentType, "application/x-protobuf", StringComparison.OrdinalIgnoreCase))
            {
                return Status(StatusCodes.Status415UnsupportedMediaType, InvalidArgument, $"unsupported content type '{context.Request.ContentType}'");
            }

            byte[]? body;
            List<JsonObject> records;
            try
            {
                body = await RequestBody.ReadAsync(context.Request, MaxRequestBytes, context.RequestAborted);
                if (body is null)
                {
                    return Status(StatusCodes.Status413PayloadTooLarge, InvalidArgument, "request body too large");
                }

                records = OtlpLogsRequest.Read(body);
            }
            catch (Exception exception) when (exception is FormatException or InvalidDataException)
            {
                return Status(StatusCodes.Status400BadRequest, InvalidArgument, $"proto: {exception.Message}");
            }

            var encoding = context.Request.Headers.ContentEncoding.ToString();
            var rejected = 0L;
            foreach (var record in records)
            {
                var attributes = record["attributes"]!.AsObject();
                if (attributes["audit.action"] is JsonValue action && action.TryGetValue<string>(out var name) && settings.OtlpRejectedActions.Contains(name, StringComparer.Ordinal))
                {
                    rejected++;
                    continue;
                }

                if ((long?)record["dropped_attributes_count"] > 0)
                {
                    inbox.Dropped(Receiver, "attributes_dropped");
                }

                record["content_encoding"] = encoding;
                inbox.Received(Receiver, (string?)attributes["audit.event_id"] ?? "", record);
            }

            if (faults.DropAfterAccept())
            {
                statistics.Injected("drop_after_accept");
                context.Abort();
                return Results.Empty;
            }

            return Protobuf(StatusCodes.Status200OK, rejected > 0 ? PartialSuccess(rejected, $"{rejected} log records refused by policy") : []);
        });

    /// <summary><c>ExportLogsServiceResponse { partial_success { rejected_log_records, error_message } }</c>.</summary>
    private static byte[] PartialSuccess(long rejected, string message)
    {
        var inner = new ProtobufWriter().Varint(1, (ulong)rejected).String(2, message).ToArray();
        return new ProtobufWriter().Bytes(1, inner).ToArray();
    }

    /// <summary>A <c>google.rpc.Status { code, message }</c> body, as the OTLP specification has servers answer failures.</summary>
    private static ProtobufResult Status(int httpStatus, int code, string message) =>
        Protobuf(httpStatus, new ProtobufWriter().Varint(1, (ulong)code).String(2, message).ToArray());

    private static ProtobufResult Protobuf(int httpStatus, byte[] body) => new ProtobufResult(httpStatus, body);

    private sealed class ProtobufResult(int status, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/x-protobuf";
            httpContext.Response.ContentLength = body.Length;
            return httpContext.Response.Body.WriteAsync(body).AsTask();
        }
    }

    private sealed class ProtobufWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new();

        public ProtobufWriter Varint(int field, ulong value)
        {
            WriteVarint((ulong)field << 3);
            WriteVarint(value);
            return this;
        }

        public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public ProtobufWriter Bytes(int field, byte[] value)
        {
            WriteVarint(((ulong)field << 3) | 2);
            WriteVarint((ulong)value.Length);
            _buffer.Write(value);
            return this;
        }

        public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _buffer.Write([(byte)(value | 0x80)]);
                value >>= 7;
            }

            _buffer.Write([(byte)value]);
        }
    }
}
