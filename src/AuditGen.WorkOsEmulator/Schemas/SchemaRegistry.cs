using System.Text.Json.Nodes;

namespace AuditGen.WorkOsEmulator.Schemas;

/// <summary>Actions and their schema versions. Schemas are immutable: each push makes the next version.</summary>
internal sealed class SchemaRegistry(TimeProvider timeProvider)
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, List<AuditLogSchema>> _actions = new(StringComparer.Ordinal);

    public AuditLogSchema Add(string action, JsonObject? actorMetadata, IReadOnlyList<(string Type, JsonObject? Metadata)> targets, JsonObject? metadata)
    {
        lock (_lock)
        {
            if (!_actions.TryGetValue(action, out var versions))
            {
                _actions[action] = versions = [];
            }

            var schema = new AuditLogSchema(action, versions.Count + 1, actorMetadata, targets, metadata, timeProvider.GetUtcNow());
            versions.Add(schema);
            return schema;
        }
    }

    public IReadOnlyList<AuditLogSchema>? Versions(string action)
    {
        lock (_lock)
        {
            return _actions.TryGetValue(action, out var versions) ? [.. versions] : null;
        }
    }

    public IReadOnlyList<IReadOnlyList<AuditLogSchema>> Actions()
    {
        lock (_lock)
        {
            return _actions.Values.Select(static versions => (IReadOnlyList<AuditLogSchema>)[.. versions]).ToArray();
        }
    }
}

/// <summary>One version of an action's schema: JSON Schemas for the actor's, each target type's and the event's metadata.</summary>
internal sealed record AuditLogSchema(
    string Action,
    int Version,
    JsonObject? ActorMetadata,
    IReadOnlyList<(string Type, JsonObject? Metadata)> Targets,
    JsonObject? Metadata,
    DateTimeOffset CreatedAt)
{
    /// <summary>The body WorkOS answers with.</summary>
    public object ToResponse() => new
    {
        @object = "audit_log_schema",
        version = Version,
        actor = ActorMetadata is null ? null : new { metadata = ActorMetadata.DeepClone() },
        targets = Targets.Select(static target => new { type = target.Type, metadata = target.Metadata?.DeepClone() }).ToArray(),
        metadata = Metadata?.DeepClone(),
        created_at = CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
    };
}
