using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator.Schemas;

namespace AuditGen.WorkOsEmulator.Events;

/// <summary>
/// Checks a create-event body as WorkOS does: missing or mistyped members are 422 "Validation failed."
/// with <c>{code, field}</c>; metadata limits and schema mismatches are 400 "Invalid Audit Log event."
/// with AJV-style <c>instancePath</c>s. An event without <c>version</c> is checked against version 1
/// of its action's schema, when the action has one.
/// </summary>
internal static class EventValidator
{
    public static (int StatusCode, object Body)? Validate(JsonNode? body, SchemaRegistry schemas)
    {
        var missing = new List<(string Code, string Field)>();
        if (body is not JsonObject root)
        {
            return (422, WorkOsErrors.ValidationFailed([("invalid", "body")]));
        }

        RequireString(root, "organization_id", "organization_id", missing);
        if (root["event"] is not JsonObject auditEvent)
        {
            missing.Add((root["event"] is null ? "required" : "invalid", "event"));
            return (422, WorkOsErrors.ValidationFailed(missing));
        }

        RequireString(auditEvent, "action", "event.action", missing);
        if (RequireString(auditEvent, "occurred_at", "event.occurred_at", missing) is { } occurredAt
            && !DateTimeOffset.TryParse(occurredAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _))
        {
            missing.Add(("invalid", "event.occurred_at"));
        }

        if (auditEvent["version"] is { } version && (version.GetValueKind() != JsonValueKind.Number || !version.AsValue().TryGetValue<int>(out var number) || number < 1))
        {
            missing.Add(("invalid", "event.version"));
        }

        if (RequireObject(auditEvent, "actor", "event.actor", missing) is { } actor)
        {
            RequireString(actor, "id", "event.actor.id", missing);
            RequireString(actor, "type", "event.actor.type", missing);
            OptionalString(actor, "name", "event.actor.name", missing);
        }

        var targets = auditEvent["targets"] as JsonArray;
        if (targets is null)
        {
            missing.Add((auditEvent["targets"] is null ? "required" : "invalid", "event.targets"));
        }
        else
        {
            for (var i = 0; i < targets.Count; i++)
            {
                if (targets[i] is not JsonObject target)
                {
                    missing.Add(("invalid", $"event.targets.{i}"));
                    continue;
                }

                RequireString(target, "id", $"event.targets.{i}.id", missing);
                RequireString(target, "type", $"event.targets.{i}.type", missing);
                OptionalString(target, "name", $"event.targets.{i}.name", missing);
            }
        }

        if (RequireObject(auditEvent, "context", "event.context", missing) is { } context)
        {
            RequireString(context, "location", "event.context.location", missing);
            OptionalString(context, "user_agent", "event.context.user_agent", missing);
        }

        if (missing.Count > 0)
        {
            return (422, WorkOsErrors.ValidationFailed(missing));
        }

        var invalid = new List<string>();
        CheckMetadata(auditEvent["metadata"], "/metadata", invalid);
        CheckMetadata(auditEvent["actor"]!["metadata"], "/actor/metadata", invalid);
        for (var i = 0; i < targets!.Count; i++)
        {
            CheckMetadata(targets[i]!["metadata"], $"/targets/{i}/metadata", invalid);
        }

        if (invalid.Count == 0 && schemas.Versions((string)auditEvent["action"]!) is { } versions)
        {
            CheckSchema(auditEvent, versions, invalid);
        }

        return invalid.Count > 0 ? (400, WorkOsErrors.InvalidEvent(invalid)) : null;
    }

    private static void CheckMetadata(JsonNode? metadata, string path, List<string> invalid)
    {
        if (metadata is null)
        {
            return;
        }

        if (metadata is not JsonObject properties)
        {
            invalid.Add(path);
            return;
        }

        if (WorkOsRules.HasTooManyKeys(properties.Count))
        {
            invalid.Add(path);
        }

        foreach (var (key, value) in properties)
        {
            var valid = WorkOsRules.CheckMetadataKey(key) == MetadataKeyProblem.None
                && value?.GetValueKind() switch
                {
                    JsonValueKind.String => !WorkOsRules.IsStringValueTooLong(value.GetValue<string>()),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => true,
                    _ => false,
                };
            if (!valid)
            {
                invalid.Add($"{path}/{EscapePointer(key)}");
            }
        }
    }

    private static void CheckSchema(JsonObject auditEvent, IReadOnlyList<AuditLogSchema> versions, List<string> invalid)
    {
        var version = auditEvent["version"]?.GetValue<int>() ?? 1;
        if (version > versions.Count)
        {
            invalid.Add("/version");
            return;
        }

        var schema = versions[version - 1];
        CheckAgainst(auditEvent["actor"]!["metadata"], schema.ActorMetadata, "/actor/metadata", invalid);
        CheckAgainst(auditEvent["metadata"], schema.Metadata, "/metadata", invalid);
        var targets = auditEvent["targets"]!.AsArray();
        for (var i = 0; i < targets.Count; i++)
        {
            var type = (string)targets[i]!["type"]!;
            var declared = schema.Targets.FirstOrDefault(target => target.Type == type);
            if (declared.Type is null)
            {
                invalid.Add($"/targets/{i}/type");
                continue;
            }

            CheckAgainst(targets[i]!["metadata"], declared.Metadata, $"/targets/{i}/metadata", invalid);
        }
    }

    /// <summary>Declared properties must have the declared type; undeclared ones pass (JSON Schema's default).</summary>
    private static void CheckAgainst(JsonNode? metadata, JsonObject? schema, string path, List<string> invalid)
    {
        if (metadata is not JsonObject properties || schema?["properties"] is not JsonObject declared)
        {
            return;
        }

        foreach (var (key, value) in properties)
        {
            var expected = declared[key]?["type"]?.GetValue<string>();
            var actual = value?.GetValueKind() switch
            {
                JsonValueKind.String => "string",
                JsonValueKind.Number => "number",
                JsonValueKind.True or JsonValueKind.False => "boolean",
                _ => "other",
            };
            if (expected is not null && expected != actual && !(expected == "integer" && actual == "number"))
            {
                invalid.Add($"{path}/{EscapePointer(key)}");
            }
        }
    }

    private static string? RequireString(JsonObject parent, string name, string field, List<(string, string)> errors)
    {
        var node = parent[name];
        if (node is null)
        {
            errors.Add(("required", field));
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String || node.GetValue<string>().Length == 0)
        {
            errors.Add(("invalid", field));
            return null;
        }

        return node.GetValue<string>();
    }

    private static void OptionalString(JsonObject parent, string name, string field, List<(string, string)> errors)
    {
        if (parent[name] is { } node && node.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(("invalid", field));
        }
    }

    private static JsonObject? RequireObject(JsonObject parent, string name, string field, List<(string, string)> errors)
    {
        if (parent[name] is JsonObject value)
        {
            return value;
        }

        errors.Add((parent[name] is null ? "required" : "invalid", field));
        return null;
    }

    private static string EscapePointer(string key) => key.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
