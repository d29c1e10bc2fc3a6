using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Events.Validation;
using BenchmarkDotNet.Attributes;

namespace AuditGen.Benchmarks;

/// <summary>What the store writer spends per event before storing it: validation and WorkOS JSON (issue 8, item 4).</summary>
[MemoryDiagnoser]
public class EventPreparationBenchmarks
{
    private readonly AuditEvent _event = BenchmarkEvents.MemberAdded();

    [Benchmark]
    public int Validate() => AuditEventValidator.Validate(_event).Count;

    [Benchmark]
    public int Serialize() => WorkOsJson.SerializeEvent(_event).Length;

    [Benchmark]
    public AuditEventId NewId() => AuditEventId.New();
}
