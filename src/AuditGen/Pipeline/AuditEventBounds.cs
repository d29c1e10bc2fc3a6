using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>
/// Cuts every string of an event (ids, names, types, the organization, the location, the user agent, metadata values) to
/// <see cref="AuditGenOptions.MaxFieldLength"/> before the event is queued, so no request can make the queue, the spill
/// file, the store or a log line hold more than that per field. Each cut is kept as an adjustment of the stored event.
/// </summary>
internal static class AuditEventBounds
{
    /// <summary>
    /// <paramref name="auditEvent"/> itself when every string fits (nothing is allocated), else a copy with the long ones
    /// cut. Over-long metadata values are cut in place, as the pipeline's later preparation also changes metadata.
    /// </summary>
    public static AuditEvent Apply(AuditEvent auditEvent, int maxLength, ref List<string>? adjustments)
    {
        BoundMetadata(auditEvent.Metadata, "/metadata", maxLength, ref adjustments);
        BoundMetadata(auditEvent.Actor?.Metadata, "/actor/metadata", maxLength, ref adjustments);
        for (var i = 0; i < auditEvent.Targets.Count; i++)
        {
            BoundMetadata(auditEvent.Targets[i]?.Metadata, $"/targets/{i}/metadata", maxLength, ref adjustments);
        }

        if (Fits(auditEvent, maxLength))
        {
            return auditEvent;
        }

        var cuts = adjustments ??= [];
        string Cut(string value, string path) => Bound(value, path, maxLength, cuts)!;
        string? CutOptional(string? value, string path) => Bound(value, path, maxLength, cuts);
        return new AuditEvent
        {
            Id = auditEvent.Id,
            OrganizationId = Cut(auditEvent.OrganizationId, "/organization_id"),
            Action = Cut(auditEvent.Action, "/action"),
            Version = auditEvent.Version,
            OccurredAt = auditEvent.OccurredAt,
            Actor = auditEvent.Actor is not { } actor ? null! : new AuditActor
            {
                Type = Cut(actor.Type, "/actor/type"),
                Id = Cut(actor.Id, "/actor/id"),
                Name = CutOptional(actor.Name, "/actor/name"),
                Metadata = actor.Metadata,
            },
            Targets = auditEvent.Targets.Select((target, i) => target is null ? null! : new AuditTarget
            {
                Type = Cut(target.Type, $"/targets/{i}/type"),
                Id = Cut(target.Id, $"/targets/{i}/id"),
                Name = CutOptional(target.Name, $"/targets/{i}/name"),
                Metadata = target.Metadata,
            }).ToArray(),
            Context = auditEvent.Context is not { } context ? null! : new AuditContext
            {
                Location = Cut(context.Location, "/context/location"),
                UserAgent = CutOptional(context.UserAgent, "/context/user_agent"),
            },
            Metadata = auditEvent.Metadata,
        };
    }

    private static bool Fits(AuditEvent e, int max) =>
        Fits(e.OrganizationId, max) && Fits(e.Action, max)
        && (e.Actor is not { } actor || (Fits(actor.Type, max) && Fits(actor.Id, max) && Fits(actor.Name, max)))
        && TargetsFit(e.Targets, max)
        && (e.Context is not { } context || (Fits(context.Location, max) && Fits(context.UserAgent, max)));

    private static bool TargetsFit(IReadOnlyList<AuditTarget> targets, int max)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i] is { } target && !(Fits(target.Type, max) && Fits(target.Id, max) && Fits(target.Name, max)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Fits(string? value, int max) => value is null || value.Length <= max;

    /// <summary>The first <paramref name="max"/> characters, one fewer when that would split a surrogate pair.</summary>
    private static string Cut(string value, int max) => value[..(char.IsHighSurrogate(value[max - 1]) ? max - 1 : max)];

    private static string? Bound(string? value, string path, int max, List<string> adjustments)
    {
        if (Fits(value, max))
        {
            return value;
        }

        var cut = Cut(value!, max);
        adjustments.Add($"{path}: truncated from {value!.Length} to {cut.Length} characters");
        return cut;
    }

    private static void BoundMetadata(AuditMetadata? metadata, string path, int max, ref List<string>? adjustments)
    {
        if (metadata is null)
        {
            return;
        }

        var anyTooLong = false;
        foreach (var (_, value) in metadata)
        {
            anyTooLong |= value.Kind == AuditMetadataValueKind.Text && value.AsString() is { } text && text.Length > max;
        }

        if (!anyTooLong)
        {
            return;
        }

        foreach (var (key, value) in metadata.ToArray())
        {
            if (value.Kind == AuditMetadataValueKind.Text && value.AsString() is { } text && text.Length > max)
            {
                var cut = Cut(text, max);
                metadata[key] = cut;
                (adjustments ??= []).Add($"{path}/{key}: truncated from {text.Length} to {cut.Length} characters");
            }
        }
    }
}
