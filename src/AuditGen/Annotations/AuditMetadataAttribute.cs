namespace AuditGen;

/// <summary>
/// Adds a metadata key to the event. On a parameter or property, the value comes from it; on an
/// audited method or controller, the constant given here is the value. By default the key goes
/// into the event's own metadata; <see cref="ForActor"/> or <see cref="ForTarget"/> move it to the
/// actor's or a target's metadata.
/// </summary>
/// <example>
/// <code>
/// [Audited("team.member_added")]
/// [AuditMetadata("source", "admin_console")]
/// static IResult Add([AuditMetadata("role")] string role) => ...;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public sealed class AuditMetadataAttribute : Attribute
{
    /// <summary>A key whose value comes from the parameter or property this attribute is on.</summary>
    public AuditMetadataAttribute(string key) => Key = key;

    /// <summary>A key with a constant string value.</summary>
    public AuditMetadataAttribute(string key, string value)
        : this(key) => Value = value;

    /// <summary>A key with a constant whole-number value.</summary>
    public AuditMetadataAttribute(string key, long value)
        : this(key) => Value = value;

    /// <summary>A key with a constant number value.</summary>
    public AuditMetadataAttribute(string key, double value)
        : this(key) => Value = value;

    /// <summary>A key with a constant boolean value.</summary>
    public AuditMetadataAttribute(string key, bool value)
        : this(key) => Value = value;

    /// <summary>The metadata key: 1 to 40 characters of letters, digits, <c>_</c> and <c>-</c>.</summary>
    public string Key { get; }

    /// <summary>The constant value, or <see langword="null"/> when the value comes from a parameter or property.</summary>
    public object? Value { get; }

    /// <summary>Put the key in the actor's metadata instead of the event's.</summary>
    public bool ForActor { get; init; }

    /// <summary>Put the key in the metadata of the target of this type instead of the event's.</summary>
    public string? ForTarget { get; init; }
}
