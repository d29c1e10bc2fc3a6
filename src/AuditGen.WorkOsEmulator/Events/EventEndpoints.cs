using AuditGen.WorkOsEmulator.Inspection;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator.Faults;
using AuditGen.WorkOsEmulator.Schemas;
using Microsoft.Extensions.Options;

namespace AuditGen.WorkOsEmulator.Events;

/// <summary><c>POST /audit_logs/events</c>: validate, honour <c>Idempotency-Key</c>, keep the event, answer <c>{"success": true}</c>.</summary>
internal static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder app) => app.MapPost("/audit_logs/events", CreateEventAsync);

    private static async Task<IResult> CreateEventAsync(
        HttpContext context,
        EventLog events,
        IdempotencyCache idempotency,
        SchemaRegistry schemas,
        FaultInjector faults,
        EmulatorStatistics statistics,
        IOptionsMonitor<EmulatorOptions> options,
        TimeProvider timeProvider)
    {
        var (body, refusal) = await RequestJson.ReadAsync(context.Request);
        if (refusal is not null)
        {
            statistics.Refused(400);
            return refusal;
        }

        var key = context.Request.Headers["Idempotency-Key"].ToString();
        CachedAnswer answer;
        lock (idempotency.Gate)
        {
            if (key.Length > 0 && idempotency.Find(key) is { } cached)
            {
                statistics.Replayed();
                return Results.Json(cached.Body, statusCode: cached.StatusCode);
            }

            answer = Decide(body, schemas, options.CurrentValue, out var accepted);
            if (accepted is not null)
            {
                events.Add(accepted.Value.OrganizationId, key.Length > 0 ? key : null, accepted.Value.Event, timeProvider.GetUtcNow());
                statistics.Accepted();
            }
            else
            {
                statistics.Refused(answer.StatusCode);
            }

            if (key.Length > 0)
            {
                idempotency.Remember(key, answer);
            }
        }

        if (answer.StatusCode == 200 && faults.DropAfterAccept())
        {
            statistics.Injected("drop_after_accept");
            context.Abort();
            return Results.Empty;
        }

        return Results.Json(answer.Body, statusCode: answer.StatusCode);
    }

    private static CachedAnswer Decide(JsonNode? body, SchemaRegistry schemas, EmulatorOptions options, out (string OrganizationId, JsonObject Event)? accepted)
    {
        accepted = null;
        if (EventValidator.Validate(body, schemas) is { } refusal)
        {
            return new CachedAnswer(refusal.StatusCode, refusal.Body);
        }

        var organizationId = (string)body!["organization_id"]!;
        if (options.Organizations.Count > 0 && !options.Organizations.Contains(organizationId, StringComparer.Ordinal))
        {
            return new CachedAnswer(404, WorkOsErrors.Message($"Organization not found: '{organizationId}'."));
        }

        accepted = (organizationId, body["event"]!.DeepClone().AsObject());
        return new CachedAnswer(200, new { success = true });
    }
}
