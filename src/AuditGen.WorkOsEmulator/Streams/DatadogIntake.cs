using System.Text.Json;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator.Faults;
using AuditGen.WorkOsEmulator.Inspection;
using Microsoft.Extensions.Options;

namespace AuditGen.WorkOsEmulator.Streams;

/// <summary>
/// Datadog's log intake (<c>POST /api/v2/logs</c>) as its API reference describes it: <c>DD-API-KEY</c> (403 when
/// unknown), gzip or deflate bodies, at most 5 MB uncompressed (413) and 1,000 logs (400) per request, a JSON array of
/// log objects or one object (400 otherwise), 202 on success. Like Datadog it takes, but counts, logs over 1 MB (Datadog
/// cuts them) and logs with a timestamp over 18 hours old (Datadog drops them).
/// </summary>
internal static class DatadogIntake
{
    public const string Receiver = "datadog";

    private const int MaxRequestBytes = 5 * 1024 * 1024;
    private const int MaxLogs = 1_000;
    private const int MaxLogBytes = 1024 * 1024;

    public static void MapDatadogIntake(this IEndpointRouteBuilder app) =>
        app.MapPost("/api/v2/logs", async (HttpContext context, IOptionsMonitor<EmulatorOptions> options, StreamInbox inbox, FaultInjector faults, EmulatorStatistics statistics, TimeProvider time) =>
        {
            if (!options.CurrentValue.Streams.DatadogApiKeys.Contains(context.Request.Headers["DD-API-KEY"].ToString(), StringComparer.Ordinal))
            {
                return Errors(StatusCodes.Status403Forbidden, "Forbidden");
            }

            var body = await RequestBody.ReadAsync(context.Request, MaxRequestBytes, context.RequestAborted);
            if (body is null)
            {
                return Errors(StatusCodes.Status413PayloadTooLarge, "Request entity too large: at most 5 MB uncompressed.");
            }

            JsonNode? parsed;
            try
            {
                parsed = JsonNode.Parse(body);
            }
            catch (JsonException exception)
            {
                return Errors(StatusCodes.Status400BadRequest, $"Invalid JSON: {exception.Message}");
            }

            var logs = parsed switch
            {
                JsonArray array => array.ToArray(),
                JsonObject single => [single],
                _ => null,
            };
            if (logs is null || logs.Any(static log => log is not JsonObject))
            {
                return Errors(StatusCodes.Status400BadRequest, "The body must be a log object or an array of log objects.");
            }

            if (logs.Length > MaxLogs)
            {
                return Errors(StatusCodes.Status400BadRequest, $"At most {MaxLogs} logs per request (got {logs.Length}).");
            }

            var now = time.GetUtcNow();
            foreach (var log in logs.Cast<JsonObject>())
            {
                if (log.ToJsonString().Length > MaxLogBytes)
                {
                    inbox.Dropped(Receiver, "truncated");
                }

                if (log["timestamp"] is JsonValue timestamp && timestamp.TryGetValue<long>(out var milliseconds)
                    && now - DateTimeOffset.FromUnixTimeMilliseconds(milliseconds) > TimeSpan.FromHours(18))
                {
                    inbox.Dropped(Receiver, "older_than_18_hours");
                    continue;
                }

                inbox.Received(Receiver, (string?)log["event_id"] ?? "", log);
            }

            if (faults.DropAfterAccept())
            {
                statistics.Injected("drop_after_accept");
                context.Abort();
                return Results.Empty;
            }

            return Results.Json(new JsonObject(), statusCode: StatusCodes.Status202Accepted);
        });

    private static IResult Errors(int status, string message) => Results.Json(new { errors = new[] { message } }, statusCode: status);
}
