namespace AuditGen.Events;

/// <summary>Who performed the action: a user, an API key, a system job.</summary>
public sealed class AuditActor
{
    /// <summary>The actor's type, e.g. <c>user</c> or <c>api_key</c>. Required.</summary>
    public required string Type { get; init; }

    /// <summary>The actor's id in your system. Required.</summary>
    public required string Id { get; init; }

    /// <summary>A display name, omitted when <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>Metadata about the actor, omitted when <see langword="null"/>.</summary>
    public AuditMetadata? Metadata { get; init; }
}
