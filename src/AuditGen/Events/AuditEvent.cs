using System.Text.Json.Serialization;

namespace AuditGen.Events;

/// <summary>
/// One WorkOS Audit Log event. Serialized by <see cref="Json.AuditGenJsonContext"/> to exactly the
/// JSON WorkOS takes: <c>action</c>, <c>version</c>, <c>occurred_at</c>, <c>actor</c>, <c>targets</c>,
/// <c>context</c>, <c>metadata</c>, in that order, optional members omitted when unset.
/// </summary>
public sealed class AuditEvent
{
    /// <summary>The event's identity, assigned at creation; the idempotency key downstream. Not part of the WorkOS JSON.</summary>
    [JsonIgnore]
    public AuditEventId Id { get; init; } = AuditEventId.New();

    /// <summary>The organization the event belongs to (<c>organization_id</c> in the request envelope). Required.</summary>
    /// <remarks>
    /// Not a C# <see langword="required"/> member because it is not part of the event's own JSON; an event
    /// without one is kept and marked rejected by the pipeline, like any other rule WorkOS enforces.
    /// </remarks>
    [JsonIgnore]
    public string OrganizationId { get; init; } = "";

    /// <summary>What happened, as <c>resource.past_tense_verb</c>, e.g. <c>user.signed_in</c>.</summary>
    [JsonPropertyOrder(0)]
    public required string Action { get; init; }

    /// <summary>The schema version of <see cref="Action"/>; omitted when <see langword="null"/>. WorkOS versions start at 1.</summary>
    [JsonPropertyOrder(1)]
    public int? Version { get; init; }

    /// <summary>When it happened. Written in UTC with millisecond precision and a <c>Z</c>.</summary>
    [JsonPropertyOrder(2)]
    [JsonConverter(typeof(WorkOsTimestampJsonConverter))]
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Who did it.</summary>
    [JsonPropertyOrder(3)]
    public required AuditActor Actor { get; init; }

    /// <summary>What it was done to; may be empty but is always written.</summary>
    [JsonPropertyOrder(4)]
    public IReadOnlyList<AuditTarget> Targets { get; init; } = [];

    /// <summary>Where it came from.</summary>
    [JsonPropertyOrder(5)]
    public required AuditContext Context { get; init; }

    /// <summary>Metadata about the event; omitted when <see langword="null"/>.</summary>
    [JsonPropertyOrder(6)]
    public AuditMetadata? Metadata { get; init; }
}
