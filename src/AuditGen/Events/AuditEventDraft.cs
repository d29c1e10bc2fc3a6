namespace AuditGen.Events;

/// <summary>
/// The event of the current request while it is being put together. Generated code fills it from
/// the declared sources; a handler can add to it through the generated builder's <c>For(httpContext)</c>
/// or <c>httpContext.GetAuditEventDraft()</c>. After the response is sent it becomes an <see cref="AuditEvent"/>.
/// </summary>
public sealed class AuditEventDraft
{
    // Created on first use: most requests have one target or none, and no actor or target metadata.
    private List<AuditTarget>? _targets;
    private Dictionary<string, AuditMetadata>? _targetMetadata;
    private AuditMetadata? _actorMetadata;
    private List<string>? _captureFailures;

    /// <summary>Metadata for the event itself.</summary>
    public AuditMetadata Metadata { get; } = new();

    /// <summary>Metadata for the actor.</summary>
    public AuditMetadata ActorMetadata => _actorMetadata ??= new();

    /// <summary>The targets added so far.</summary>
    public IReadOnlyList<AuditTarget> Targets => _targets ??= [];

    /// <summary>An actor id from a declared source, overriding the resolved actor.</summary>
    public string? ActorId { get; set; }

    /// <summary>The type of <see cref="ActorId"/>'s actor.</summary>
    public string ActorType { get; set; } = "user";

    /// <summary>An organization from a declared source, overriding the organization resolver.</summary>
    public string? OrganizationId { get; set; }

    /// <summary>The schema version to send, if any.</summary>
    public int? Version { get; set; }

    /// <summary>Whether the handler's arguments were read (the handler's filter ran).</summary>
    internal bool ArgumentsCaptured { get; set; }

    /// <summary>What could not be read from a declared source; logged when the event is recorded.</summary>
    internal IReadOnlyList<string> CaptureFailures => _captureFailures ?? (IReadOnlyList<string>)[];

    /// <summary>Whether the event was already handed to the pipeline (strict mode does it before the response).</summary>
    internal bool Recorded { get; set; }

    /// <summary><c>challenged</c> or <c>forbidden</c> when authorization refused the request, whatever status that produced.</summary>
    internal string? AuthorizationFailure { get; set; }

    /// <summary>Adds a target; a <see langword="null"/> or empty id is skipped, since an absent value is no target.</summary>
    public void AddTarget(string type, string? id, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        if (string.IsNullOrEmpty(id))
        {
            return;
        }

        _targets ??= new List<AuditTarget>(1);
        foreach (var target in _targets)
        {
            if (target.Type == type && target.Id == id)
            {
                return;
            }
        }

        _targets.Add(new AuditTarget { Type = type, Id = id, Name = name });
    }

    /// <summary>Sets a key in the metadata of the target of <paramref name="targetType"/>.</summary>
    public void SetTargetMetadata(string targetType, string key, AuditMetadataValue value)
    {
        _targetMetadata ??= new(StringComparer.Ordinal);
        if (!_targetMetadata.TryGetValue(targetType, out var metadata))
        {
            _targetMetadata[targetType] = metadata = new AuditMetadata();
        }

        metadata[key] = value;
    }

    /// <summary>The type of an exception the handler threw, seen by the filter even when an exception handler later turns it into a 500.</summary>
    internal string? ExceptionType { get; set; }

    /// <summary>Whether the site's constant metadata was applied, so it is applied once whichever hook comes first.</summary>
    internal bool ConstantsApplied { get; set; }

    internal void NoteCaptureFailure(string failure) => (_captureFailures ??= []).Add(failure);

    /// <summary>Builds the event once actor, organization and context are known.</summary>
    public AuditEvent ToEvent(string action, string organizationId, AuditActor actor, AuditContext context, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var targets = _targets is null || _targets.Count == 0 ? [] : new AuditTarget[_targets.Count];
        for (var i = 0; i < targets.Length; i++)
        {
            targets[i] = WithMetadata(_targets![i]);
        }

        return new AuditEvent
        {
            Action = action,
            OrganizationId = organizationId,
            Version = Version,
            OccurredAt = occurredAt,
            Actor = _actorMetadata is not { Count: > 0 } ? actor : new AuditActor { Type = actor.Type, Id = actor.Id, Name = actor.Name, Metadata = _actorMetadata },
            Targets = targets,
            Context = context,
            Metadata = Metadata.Count == 0 ? null : Metadata,
        };
    }

    private AuditTarget WithMetadata(AuditTarget target) =>
        _targetMetadata is not null && _targetMetadata.TryGetValue(target.Type, out var metadata)
            ? new AuditTarget { Type = target.Type, Id = target.Id, Name = target.Name, Metadata = metadata }
            : target;
}
