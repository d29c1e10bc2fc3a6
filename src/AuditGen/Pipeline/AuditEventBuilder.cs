using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>
/// The base of the generated event builders (<c>TeamMemberAddedAuditEvent</c> and the like): what every action's
/// builder offers besides its typed targets and metadata. In an audited handler a builder adds to the request's own
/// event; in background work it builds a new one, finished with <see cref="ToEvent"/> or <see cref="WriteAsync"/>.
/// </summary>
/// <typeparam name="TSelf">The generated builder, so that a chain of calls keeps its typed methods.</typeparam>
public abstract class AuditEventBuilder<TSelf>
    where TSelf : AuditEventBuilder<TSelf>
{
    private readonly string _action;

    /// <summary>A builder of <paramref name="action"/> events that writes into <paramref name="draft"/>.</summary>
    protected AuditEventBuilder(AuditEventDraft draft, string action)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentException.ThrowIfNullOrEmpty(action);
        Draft = draft;
        _action = action;
    }

    /// <summary>The event being built.</summary>
    protected AuditEventDraft Draft { get; }

    /// <summary>Sets the WorkOS schema version the event is sent with.</summary>
    public TSelf WithVersion(int version)
    {
        Draft.Version = version;
        return (TSelf)this;
    }

    /// <summary>The finished event, for work outside an HTTP request.</summary>
    public AuditEvent ToEvent(string organizationId, AuditActor actor, AuditContext context, DateTimeOffset? occurredAt = null) =>
        Draft.ToEvent(_action, organizationId, actor, context, occurredAt ?? DateTimeOffset.UtcNow);

    /// <summary>Writes the finished event to the audit pipeline, for work outside an HTTP request.</summary>
    public ValueTask WriteAsync(IAuditEventWriter writer, string organizationId, AuditActor actor, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return writer.WriteAsync(ToEvent(organizationId, actor, context), cancellationToken);
    }
}
