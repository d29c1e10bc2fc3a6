using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator.Events;
using AuditGen.WorkOsEmulator.Schemas;

namespace AuditGen.WorkOsEmulator.Exports;

/// <summary>
/// <c>POST /audit_logs/exports</c> with WorkOS's filters (organization, range, <c>actions[]</c>, <c>actor_names[]</c>
/// (or the deprecated <c>actors[]</c>), <c>actor_ids[]</c>, <c>targets[]</c> as target types), <c>GET /audit_logs/exports/{id}</c>
/// to poll (pending at creation, ready from the first poll), and the download as CSV or JSON.
/// </summary>
internal static class ExportEndpoints
{
    /// <summary>WorkOS only exports the last three months.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(92);

    public static void MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/audit_logs/exports", CreateAsync);
        app.MapGet("/audit_logs/exports/{id}", (string id, HttpRequest request, ExportStore exports) =>
        {
            if (!exports.TryGet(id, out var export))
            {
                return Results.Json(WorkOsErrors.Message($"Audit log export not found: '{id}'."), statusCode: 404);
            }

            export.Ready = true;
            return Results.Json(Describe(export, request));
        });
        app.MapGet("/_emulator/exports/{id}.{format}", (string id, string format, ExportStore exports) =>
            !exports.TryGet(id, out var export) || !export.Ready || format is not ("csv" or "json")
                ? Results.NotFound()
                : format == "csv"
                    ? Results.Text(ToCsv(export.Events), "text/csv", Encoding.UTF8)
                    : Results.Text(ToJson(export.Events), "application/json", Encoding.UTF8));
    }

    private static async Task<IResult> CreateAsync(HttpRequest request, EventLog events, ExportStore exports, TimeProvider timeProvider)
    {
        var (body, refusal) = await RequestJson.ReadAsync(request);
        if (refusal is not null)
        {
            return refusal;
        }

        var errors = new List<(string Code, string Field)>();
        var organization = Text(body, "organization_id", errors);
        var start = Time(body, "range_start", errors);
        var end = Time(body, "range_end", errors);
        var actions = Texts(body, "actions", errors);
        var actorNames = Texts(body, "actor_names", errors).Concat(Texts(body, "actors", errors)).ToHashSet(StringComparer.Ordinal);
        var actorIds = Texts(body, "actor_ids", errors);
        var targetTypes = Texts(body, "targets", errors);
        var now = timeProvider.GetUtcNow();
        if (start is { } from && from < now - MaxAge)
        {
            errors.Add(("invalid", "range_start"));
        }

        if (start > end)
        {
            errors.Add(("invalid", "range_end"));
        }

        if (errors.Count > 0)
        {
            return Results.Json(WorkOsErrors.ValidationFailed(errors), statusCode: 422);
        }

        var selected = events.Snapshot().Where(received =>
        {
            var auditEvent = received.Event;
            var occurredAt = DateTimeOffset.Parse((string)auditEvent["occurred_at"]!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            var actor = auditEvent["actor"]!;
            return received.OrganizationId == organization
                && occurredAt >= start && occurredAt < end
                && (actions.Count == 0 || actions.Contains((string)auditEvent["action"]!))
                && (actorNames.Count == 0 || actorNames.Contains((string?)actor["name"] ?? ""))
                && (actorIds.Count == 0 || actorIds.Contains((string)actor["id"]!))
                && (targetTypes.Count == 0 || auditEvent["targets"]!.AsArray().Any(target => targetTypes.Contains((string)target!["type"]!)));
        }).ToArray();

        var export = exports.Add(selected, now);
        return Results.Json(Describe(export, request), statusCode: 201);
    }

    private static object Describe(Export export, HttpRequest request) => new
    {
        @object = "audit_log_export",
        id = export.Id,
        state = export.Ready ? "ready" : "pending",
        url = export.Ready ? $"{request.Scheme}://{request.Host}/_emulator/exports/{export.Id}.csv" : null,
        created_at = SchemaEndpoints.Timestamp(export.CreatedAt),
        updated_at = SchemaEndpoints.Timestamp(export.CreatedAt),
    };

    /// <summary>One row per event. WorkOS's own columns are unconfirmed; these carry every field, nested ones as JSON.</summary>
    private static string ToCsv(IReadOnlyList<ReceivedEvent> events)
    {
        var csv = new StringBuilder("id,organization_id,action,version,occurred_at,actor_id,actor_type,actor_name,targets,location,user_agent,metadata\r\n");
        foreach (var received in events)
        {
            var auditEvent = received.Event;
            var actor = auditEvent["actor"]!;
            var context = auditEvent["context"]!;
            string?[] cells =
            [
                received.Id, received.OrganizationId, (string?)auditEvent["action"], auditEvent["version"]?.ToJsonString(), (string?)auditEvent["occurred_at"],
                (string?)actor["id"], (string?)actor["type"], (string?)actor["name"], auditEvent["targets"]?.ToJsonString(),
                (string?)context["location"], (string?)context["user_agent"], auditEvent["metadata"]?.ToJsonString(),
            ];
            csv.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Quote(string? cell) =>
        cell is null ? "" : cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{cell.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : cell;

    private static string ToJson(IReadOnlyList<ReceivedEvent> events) =>
        new JsonArray([.. events.Select(received =>
        {
            var row = new JsonObject { ["id"] = received.Id, ["organization_id"] = received.OrganizationId };
            foreach (var (name, value) in received.Event)
            {
                row[name] = value?.DeepClone();
            }

            return (JsonNode)row;
        })]).ToJsonString();

    private static string? Text(JsonNode? body, string name, List<(string, string)> errors)
    {
        if (body?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>().Length > 0)
        {
            return value.GetValue<string>();
        }

        errors.Add((body?[name] is null ? "required" : "invalid", name));
        return null;
    }

    private static DateTimeOffset? Time(JsonNode? body, string name, List<(string, string)> errors)
    {
        if (Text(body, name, errors) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            return time;
        }

        errors.Add(("invalid", name));
        return null;
    }

    private static HashSet<string> Texts(JsonNode? body, string name, List<(string, string)> errors)
    {
        if (body?[name] is null)
        {
            return [];
        }

        if (body[name] is JsonArray array && array.All(static item => item is JsonValue value && value.GetValueKind() == JsonValueKind.String))
        {
            return array.Select(static item => item!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        }

        errors.Add(("invalid", name));
        return [];
    }
}

/// <summary>Exports made so far.</summary>
internal sealed class ExportStore
{
    private readonly ConcurrentDictionary<string, Export> _exports = new(StringComparer.Ordinal);

    public Export Add(IReadOnlyList<ReceivedEvent> events, DateTimeOffset createdAt)
    {
        var export = new Export($"audit_log_export_{Guid.CreateVersion7():N}", events, createdAt);
        _exports[export.Id] = export;
        return export;
    }

    public bool TryGet(string id, out Export export) => _exports.TryGetValue(id, out export!);
}

/// <summary>One export: the events it selected when it was created.</summary>
internal sealed class Export(string id, IReadOnlyList<ReceivedEvent> events, DateTimeOffset createdAt)
{
    public string Id { get; } = id;

    public IReadOnlyList<ReceivedEvent> Events { get; } = events;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public bool Ready { get; set; }
}
