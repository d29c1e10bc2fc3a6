using System.Text.Json;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator.Events;

namespace AuditGen.WorkOsEmulator.Schemas;

/// <summary>
/// <c>POST /audit_logs/actions/{action}/schemas</c> (201, a new immutable version), <c>GET /audit_logs/actions</c>
/// and <c>GET /audit_logs/actions/{action}/schemas</c>, with WorkOS's cursor paging (<c>limit</c>, <c>order</c>, <c>before</c>, <c>after</c>).
/// </summary>
internal static class SchemaEndpoints
{
    private static readonly string[] s_propertyTypes = ["string", "number", "boolean"];

    public static void MapSchemaEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/audit_logs/actions/{action}/schemas", CreateAsync);
        app.MapGet("/audit_logs/actions", (HttpRequest request, SchemaRegistry schemas) =>
            Page(request, schemas.Actions(), static versions => versions[^1].Action, static versions => new
            {
                @object = "audit_log_action",
                name = versions[^1].Action,
                schema = versions[^1].ToResponse(),
                created_at = Timestamp(versions[0].CreatedAt),
                updated_at = Timestamp(versions[^1].CreatedAt),
            }));
        app.MapGet("/audit_logs/actions/{action}/schemas", (string action, HttpRequest request, SchemaRegistry schemas) =>
            schemas.Versions(action) is { } versions
                ? Page(request, versions, static schema => schema.Version.ToString("D10", System.Globalization.CultureInfo.InvariantCulture), static schema => schema.ToResponse())
                : Results.Json(WorkOsErrors.Message($"Audit log action not found: '{action}'."), statusCode: 404));
    }

    private static async Task<IResult> CreateAsync(string action, HttpRequest request, SchemaRegistry schemas)
    {
        var (body, refusal) = await RequestJson.ReadAsync(request);
        if (refusal is not null)
        {
            return refusal;
        }

        var errors = new List<(string Code, string Field)>();
        if (body is not JsonObject root)
        {
            return Results.Json(WorkOsErrors.ValidationFailed([("invalid", "body")]), statusCode: 422);
        }

        var actorMetadata = MetadataSchema(root["actor"]?["metadata"], "actor.metadata", errors);
        var metadata = MetadataSchema(root["metadata"], "metadata", errors);
        var targets = new List<(string, JsonObject?)>();
        if (root["targets"] is not JsonArray targetArray || targetArray.Count == 0)
        {
            errors.Add((root["targets"] is null ? "required" : "invalid", "targets"));
        }
        else
        {
            for (var i = 0; i < targetArray.Count; i++)
            {
                if (targetArray[i]?["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String || type.GetValue<string>().Length == 0)
                {
                    errors.Add(("required", $"targets.{i}.type"));
                    continue;
                }

                targets.Add((type.GetValue<string>(), MetadataSchema(targetArray[i]!["metadata"], $"targets.{i}.metadata", errors)));
            }
        }

        if (errors.Count > 0)
        {
            return Results.Json(WorkOsErrors.ValidationFailed(errors), statusCode: 422);
        }

        var schema = schemas.Add(action, actorMetadata, targets, metadata);
        return Results.Json(schema.ToResponse(), statusCode: 201);
    }

    /// <summary>The JSON Schema WorkOS takes for metadata: an object whose properties are strings, numbers or booleans.</summary>
    private static JsonObject? MetadataSchema(JsonNode? node, string field, List<(string, string)> errors)
    {
        if (node is null)
        {
            return null;
        }

        if (node is not JsonObject schema || (string?)schema["type"] != "object" || (schema["properties"] is { } properties && properties is not JsonObject))
        {
            errors.Add(("invalid", field));
            return null;
        }

        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            if (property?["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String || !s_propertyTypes.Contains(type.GetValue<string>()))
            {
                errors.Add(("invalid", $"{field}.properties.{name}"));
            }
        }

        return (JsonObject)schema.DeepClone();
    }

    private static IResult Page<T>(HttpRequest request, IReadOnlyList<T> items, Func<T, string> cursor, Func<T, object> shape)
    {
        var query = request.Query;
        var limit = int.TryParse(query["limit"], out var requested) ? requested : 10;
        if (limit is < 1 or > 100)
        {
            return Results.Json(WorkOsErrors.ValidationFailed([("invalid", "limit")]), statusCode: 422);
        }

        var descending = query["order"] == "desc";
        IEnumerable<T> ordered = descending ? items.OrderByDescending(cursor, StringComparer.Ordinal) : items.OrderBy(cursor, StringComparer.Ordinal);
        var after = query["after"].ToString();
        var before = query["before"].ToString();
        if (after.Length > 0)
        {
            ordered = ordered.Where(item => descending ? string.CompareOrdinal(cursor(item), after) < 0 : string.CompareOrdinal(cursor(item), after) > 0);
        }

        if (before.Length > 0)
        {
            ordered = ordered.Where(item => descending ? string.CompareOrdinal(cursor(item), before) > 0 : string.CompareOrdinal(cursor(item), before) < 0);
        }

        var all = ordered.ToList();
        var page = before.Length > 0 ? all.TakeLast(limit).ToList() : all.Take(limit).ToList();
        return Results.Json(new
        {
            @object = "list",
            data = page.Select(shape).ToArray(),
            list_metadata = new
            {
                before = page.Count > 0 && (after.Length > 0 || before.Length > 0 && all.Count > limit) ? cursor(page[0]) : null,
                after = page.Count > 0 && all.Count > page.Count && before.Length == 0 ? cursor(page[^1]) : null,
            },
        });
    }

    internal static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
