namespace AuditGen.Pipeline;

/// <summary>
/// Which records to read, with WorkOS's export filters: organization, time range (on <c>occurred_at</c>),
/// actions, actor names, actor ids and target types. Unset filters match everything.
/// </summary>
public sealed record AuditQuery
{
    /// <summary>Only this organization's records.</summary>
    public string? OrganizationId { get; init; }

    /// <summary>Records that occurred at or after this time (WorkOS's <c>range_start</c>).</summary>
    public DateTimeOffset? RangeStart { get; init; }

    /// <summary>Records that occurred before this time (WorkOS's <c>range_end</c>).</summary>
    public DateTimeOffset? RangeEnd { get; init; }

    /// <summary>Any of these actions (WorkOS's <c>actions[]</c>).</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];

    /// <summary>Any of these actor names (WorkOS's <c>actor_names[]</c>).</summary>
    public IReadOnlyList<string> ActorNames { get; init; } = [];

    /// <summary>Any of these actor ids (WorkOS's <c>actor_ids[]</c>).</summary>
    public IReadOnlyList<string> ActorIds { get; init; } = [];

    /// <summary>Records with a target of any of these types (WorkOS's <c>targets[]</c>).</summary>
    public IReadOnlyList<string> TargetTypes { get; init; } = [];

    /// <summary>Only the record of this event.</summary>
    public AuditGen.Events.AuditEventId? EventId { get; init; }

    /// <summary>Paging: only records after this sequence (or before it, when <see cref="NewestFirst"/>).</summary>
    public long? AfterSequence { get; init; }

    /// <summary>Newest first instead of store order.</summary>
    public bool NewestFirst { get; init; }

    /// <summary>At most this many records; <see langword="null"/> for all (streamed).</summary>
    public int? Limit { get; init; }
}
