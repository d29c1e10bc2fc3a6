using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Events.Validation;

namespace AuditGen.Pipeline;

/// <summary>
/// Turns an event into the <see cref="AuditEntry"/> that is stored: applies the
/// oversized-value policy, validates, and serializes. It never throws for bad values known only
/// at run time: an event that still breaks WorkOS's rules is kept, marked with the reasons.
/// An event without a <c>version</c> gets the one configured for its action, if any.
/// </summary>
internal sealed class AuditEventPreparer(OversizedStringValueHandling oversizedStringValues, IReadOnlyDictionary<string, int>? schemaVersions = null)
{
    /// <summary>Prepares <paramref name="auditEvent"/>; may replace metadata values in place.</summary>
    /// <param name="auditEvent">The event.</param>
    /// <param name="earlierAdjustments">What was already changed before the event was queued (<see cref="AuditEventBounds"/>).</param>
    public AuditEntry Prepare(AuditEvent auditEvent, IReadOnlyList<string>? earlierAdjustments = null)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        auditEvent = WithConfiguredVersion(auditEvent);
        List<string>? adjustments = earlierAdjustments is { Count: > 0 } ? [.. earlierAdjustments] : null;
        List<AuditViolation>? unserializable = null;

        AdjustMetadata(auditEvent.Metadata, "/metadata", ref adjustments, ref unserializable);
        AdjustMetadata(auditEvent.Actor?.Metadata, "/actor/metadata", ref adjustments, ref unserializable);
        if (auditEvent.Targets is not null)
        {
            for (var i = 0; i < auditEvent.Targets.Count; i++)
            {
                AdjustMetadata(auditEvent.Targets[i]?.Metadata, $"/targets/{i}/metadata", ref adjustments, ref unserializable);
            }
        }

        var violations = AuditEventValidator.Validate(auditEvent);
        var reasons = (unserializable ?? []).Concat(violations).Select(static v => v.ToString()).Distinct().ToArray();
        return new AuditEntry(
            auditEvent,
            WorkOsJson.SerializeEvent(auditEvent),
            adjustments ?? (IReadOnlyList<string>)[],
            reasons.Length == 0 ? null : string.Join("; ", reasons));
    }

    private AuditEvent WithConfiguredVersion(AuditEvent auditEvent) =>
        auditEvent.Version is null && auditEvent.Action is not null && schemaVersions is not null && schemaVersions.TryGetValue(auditEvent.Action, out var version)
            ? new AuditEvent
            {
                Id = auditEvent.Id,
                OrganizationId = auditEvent.OrganizationId,
                Action = auditEvent.Action,
                Version = version,
                OccurredAt = auditEvent.OccurredAt,
                Actor = auditEvent.Actor,
                Targets = auditEvent.Targets,
                Context = auditEvent.Context,
                Metadata = auditEvent.Metadata,
            }
            : auditEvent;

    private void AdjustMetadata(AuditMetadata? metadata, string path, ref List<string>? adjustments, ref List<AuditViolation>? unserializable)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (key, value) in metadata.ToArray())
        {
            if (value.IsEmpty)
            {
                // JSON cannot carry "nothing" as a metadata value either: write an empty string, reject the event.
                metadata[key] = "";
                (unserializable ??= []).Add(new($"{path}/{key}", "The value is empty (default); WorkOS takes a string, a number or a boolean."));
            }
            else if (value.Kind == AuditMetadataValueKind.Text
                && oversizedStringValues == OversizedStringValueHandling.Truncate
                && WorkOsRules.IsStringValueTooLong(value.AsString()))
            {
                var original = value.AsString();
                var truncated = WorkOsRules.TruncateStringValue(original);
                metadata[key] = truncated;
                (adjustments ??= []).Add($"{path}/{key}: truncated from {original.Length} to {truncated.Length} characters");
            }
            else if (value.Kind == AuditMetadataValueKind.Number && !double.IsFinite(value.AsDouble()))
            {
                // JSON has no NaN or infinity: keep the value readable as a string and reject the event.
                metadata[key] = value.ToString();
                (unserializable ??= []).Add(new($"{path}/{key}", $"The value {value} is not a finite number; JSON cannot carry it."));
            }
        }
    }
}
