using System.Globalization;
using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Pipeline;

namespace AuditGen.Benchmarks;

/// <summary>
/// Prepared events spread over organizations: one serialized event per organization (the JSON holds no event id), each
/// use under a fresh id, so feeding a store costs a fraction of a microsecond per event and the store is what is measured.
/// </summary>
internal sealed class EventFeed(int organizations, int seed)
{
    private readonly (AuditEvent Event, byte[] Json)[] _templates = Enumerable.Range(0, organizations)
        .Select(i => BenchmarkEvents.MemberAdded($"org_{i.ToString(CultureInfo.InvariantCulture)}"))
        .Select(auditEvent => (auditEvent, WorkOsJson.SerializeEvent(auditEvent)))
        .ToArray();

    private readonly Random _random = new(seed);

    public AuditEntry[] NextBatch(int size) => Enumerable.Range(0, size).Select(_ => Next()).ToArray();

    private AuditEntry Next()
    {
        var (template, json) = _templates[_random.Next(_templates.Length)];
        var auditEvent = new AuditEvent
        {
            OrganizationId = template.OrganizationId,
            Action = template.Action,
            OccurredAt = template.OccurredAt,
            Actor = template.Actor,
            Targets = template.Targets,
            Context = template.Context,
            Metadata = template.Metadata,
        };
        return new AuditEntry(auditEvent, json, [], null);
    }
}
