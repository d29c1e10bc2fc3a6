using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator.Faults;
using AuditGen.WorkOsEmulator.Inspection;
using Microsoft.Extensions.Options;

namespace AuditGen.WorkOsEmulator.Streams;

/// <summary>
/// An HTTPS endpoint that takes AuditGen's batches (<c>POST /webhooks/{name}</c>) the way AuditGen's README tells a
/// receiver to: a JSON array (<c>application/json</c>) or JSON Lines (<c>application/x-ndjson</c>) of
/// <c>{"id","organization_id","event"}</c>, and, when a secret is set, the <c>AuditGen-Signature</c> checked (HMAC-SHA256
/// of <c>"{t}.{body}"</c>, <c>t</c> within 5 minutes): 401 otherwise.
/// </summary>
internal static class WebhookReceiver
{
    private const int MaxRequestBytes = 64 * 1024 * 1024;

    public static void MapWebhookReceiver(this IEndpointRouteBuilder app) =>
        app.MapPost("/webhooks/{name}", async (string name, HttpContext context, IOptionsMonitor<EmulatorOptions> options, StreamInbox inbox, FaultInjector faults, EmulatorStatistics statistics, TimeProvider time) =>
        {
            var body = await RequestBody.ReadAsync(context.Request, MaxRequestBytes, context.RequestAborted);
            if (body is null)
            {
                return Results.Json(new { error = "too large" }, statusCode: StatusCodes.Status413PayloadTooLarge);
            }

            if (options.CurrentValue.Streams.WebhookSecret is { } secret
                && !IsSigned(context.Request.Headers["AuditGen-Signature"].ToString(), secret, body, time.GetUtcNow()))
            {
                return Results.Json(new { error = "missing or wrong AuditGen-Signature" }, statusCode: StatusCodes.Status401Unauthorized);
            }

            List<JsonNode?> items;
            try
            {
                items = context.Request.ContentType switch
                {
                    "application/json" => JsonNode.Parse(body) is JsonArray array ? [.. array] : throw new JsonException("not an array"),
                    "application/x-ndjson" => [.. Encoding.UTF8.GetString(body).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static line => JsonNode.Parse(line))],
                    _ => throw new BadHttpRequestException("application/json or application/x-ndjson", StatusCodes.Status415UnsupportedMediaType),
                };
            }
            catch (JsonException exception)
            {
                return Results.Json(new { error = exception.Message }, statusCode: StatusCodes.Status400BadRequest);
            }

            if (items.Any(static item => item is not JsonObject { } o || o["id"] is not JsonValue || o["organization_id"] is not JsonValue || o["event"] is not JsonObject))
            {
                return Results.Json(new { error = "every item needs id, organization_id and event" }, statusCode: StatusCodes.Status400BadRequest);
            }

            foreach (var item in items.Cast<JsonObject>())
            {
                inbox.Received("webhook:" + name, (string)item["id"]!, item);
            }

            if (faults.DropAfterAccept())
            {
                statistics.Injected("drop_after_accept");
                context.Abort();
                return Results.Empty;
            }

            return Results.Json(new { received = items.Count });
        });

    private static bool IsSigned(string header, string secret, byte[] body, DateTimeOffset now)
    {
        var parts = header.Split(',').Select(static part => part.Split('=', 2)).Where(static pair => pair.Length == 2).ToDictionary(static pair => pair[0], static pair => pair[1], StringComparer.Ordinal);
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs((now - DateTimeOffset.FromUnixTimeSeconds(seconds)).TotalMinutes) > 5)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), (byte[])[.. Encoding.ASCII.GetBytes(t + "."), .. body]);
        return v1.Length == 64 && v1.All(char.IsAsciiHexDigit) && CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(v1));
    }
}
