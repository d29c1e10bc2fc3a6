using AuditGen.Events;

namespace AuditGen.Catalog;

/// <summary>The shape of the events an action produces, as declared by its attributes.</summary>
/// <param name="TargetTypes">The declared target types, in declaration order.</param>
/// <param name="MetadataKeys">The declared metadata keys.</param>
public sealed record AuditSiteShape(IReadOnlyList<string> TargetTypes, IReadOnlyList<AuditMetadataKey> MetadataKeys)
{
    /// <summary>A shape with no targets and no metadata.</summary>
    public static AuditSiteShape Empty { get; } = new([], []);
}

/// <summary>One declared metadata key.</summary>
/// <param name="Owner">Whose metadata: <c>event</c>, <c>actor</c>, or <c>target:&lt;type&gt;</c>.</param>
/// <param name="Key">The key.</param>
/// <param name="Kind">The value kind.</param>
public sealed record AuditMetadataKey(string Owner, string Key, AuditMetadataValueKind Kind);
