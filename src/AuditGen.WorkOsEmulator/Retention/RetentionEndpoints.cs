using System.Collections.Concurrent;
using System.Text.Json;
using AuditGen.WorkOsEmulator.Events;

namespace AuditGen.WorkOsEmulator.Retention;

/// <summary>
/// <c>GET|PUT /organizations/{id}/audit_logs_retention</c>: 30 or 365 days (the API's choices; 365 until set), given as
/// <c>retention_period_in_days</c> or, as the official node SDK sends it, <c>retention_period</c> (<c>1_MONTH</c>, <c>1_YEAR</c>).
/// </summary>
internal static class RetentionEndpoints
{
    public static void MapRetentionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/organizations/{id}/audit_logs_retention", (string id, RetentionSettings settings) => Results.Json(Retention(settings.Get(id))));
        app.MapPut("/organizations/{id}/audit_logs_retention", async (string id, HttpRequest request, RetentionSettings settings) =>
        {
            var (body, refusal) = await RequestJson.ReadAsync(request);
            if (refusal is not null)
            {
                return refusal;
            }

            if (body?["retention_period"] is { } period)
            {
                int? fromPeriod = period.GetValueKind() == JsonValueKind.String ? (string?)period switch { "1_MONTH" => 30, "1_YEAR" => 365, _ => null } : null;
                if (fromPeriod is not { } periodDays)
                {
                    return Results.Json(WorkOsErrors.ValidationFailed([("invalid", "retention_period")]), statusCode: 422);
                }

                settings.Set(id, periodDays);
                return Results.Json(Retention(periodDays));
            }

            var days = body?["retention_period_in_days"];
            if (days is null || days.GetValueKind() != JsonValueKind.Number || !days.AsValue().TryGetValue<int>(out var value) || value is not (30 or 365))
            {
                return Results.Json(WorkOsErrors.ValidationFailed([(days is null ? "required" : "invalid", "retention_period_in_days")]), statusCode: 422);
            }

            settings.Set(id, value);
            return Results.Json(Retention(value));
        });
    }

    private static object Retention(int days) => new { retention_period_in_days = days, retention_period = days == 30 ? "1_MONTH" : "1_YEAR" };
}

/// <summary>Each organization's retention period.</summary>
internal sealed class RetentionSettings
{
    private readonly ConcurrentDictionary<string, int> _days = new(StringComparer.Ordinal);

    public int Get(string organizationId) => _days.GetValueOrDefault(organizationId, 365);

    public void Set(string organizationId, int days) => _days[organizationId] = days;
}
