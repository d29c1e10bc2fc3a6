namespace AuditGen.Events;

/// <summary>A resource the action was performed on.</summary>
public sealed class AuditTarget
{
    /// <summary>The target's type, e.g. <c>team</c>. Required.</summary>
    public required string Type { get; init; }

    /// <summary>The target's id. Required.</summary>
    public required string Id { get; init; }

    /// <summary>A display name, omitted when <see langword="null"/>.</summary>
    public string? Name { get; init; }

    /// <summary>Metadata about the target, omitted when <see langword="null"/>.</summary>
    public AuditMetadata? Metadata { get; init; }
}
