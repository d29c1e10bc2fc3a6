using System.Text.Json;
using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>
/// The events AuditGen records when someone reads or changes the audit log itself (PCI DSS 10.2.1.3: all access to
/// audit logs), each in the affected organization's own log, with the audit log (or the one event read) as its target.
/// </summary>
internal static class AuditLogAccess
{
    /// <summary>A page of the organization's events was listed.</summary>
    public const string Viewed = "audit_log.viewed";

    /// <summary>One event was opened.</summary>
    public const string EventViewed = "audit_log_event.viewed";

    /// <summary>Events were downloaded (CSV, JSON, JSON Lines or a proven export).</summary>
    public const string Exported = "audit_log.exported";

    /// <summary>The log was verified.</summary>
    public const string Verified = "audit_log.verified";

    /// <summary>Records older than the retention were removed.</summary>
    public const string Purged = "audit_log.purged";

    /// <summary>Dead letters were handed to their sink again.</summary>
    public const string DeadLettersRedriven = "audit_log_dead_letters.redriven";

    /// <summary>A dead letter's delivery was given up.</summary>
    public const string DeadLetterDiscarded = "audit_log_dead_letter.discarded";

    /// <summary>The actor type of a CLI user.</summary>
    public const string OperatorActorType = "operating_system_user";

    public const string LogTargetType = "audit_log";

    public const string EventTargetType = "audit_log_event";

    /// <summary>The metadata key holding the filters of the access, as its query string.</summary>
    public const string QueryKey = "query";

    /// <summary>
    /// Whether <paramref name="entry"/> is one of these records kept in the system partition (no organization): AuditGen's
    /// own, which a destination that files events by organization (WorkOS) has nowhere to put.
    /// </summary>
    public static bool IsSystemRecord(StoredAuditEntry entry) =>
        entry.OrganizationId.Length == 0 && s_actions.Contains(entry.Action) && ActorType(entry.EventJson) == OperatorActorType;

    private static readonly HashSet<string> s_actions = [Viewed, EventViewed, Exported, Verified, Purged, DeadLettersRedriven, DeadLetterDiscarded];

    private static string? ActorType(ReadOnlyMemory<byte> eventJson)
    {
        using var document = JsonDocument.Parse(eventJson);
        return document.RootElement.TryGetProperty("actor", out var actor) && actor.TryGetProperty("type", out var type) ? type.GetString() : null;
    }

    public static AuditEvent Event(string action, string organizationId, AuditActor actor, AuditContext context, AuditTarget? target, string? query) => new()
    {
        Action = action,
        OrganizationId = organizationId,
        Actor = actor,
        Targets = [target ?? new AuditTarget { Type = LogTargetType, Id = organizationId.Length > 0 ? organizationId : "system" }],
        Context = context,
        Metadata = string.IsNullOrEmpty(query) ? null : new AuditMetadata { [QueryKey] = query },
    };
}
