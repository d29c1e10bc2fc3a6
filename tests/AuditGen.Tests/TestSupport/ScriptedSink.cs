using System.Collections.Concurrent;
using AuditGen.Pipeline;

namespace AuditGen.Tests.TestSupport;

/// <summary>A sink whose answers are given by the test, recording every attempt.</summary>
internal sealed class ScriptedSink(string name, Func<StoredAuditEntry, int, AuditDeliveryResult> answer) : IAuditSink
{
    private readonly ConcurrentDictionary<long, int> _attempts = new();
    private readonly ConcurrentQueue<StoredAuditEntry> _delivered = new();

    public string Name { get; } = name;

    public IReadOnlyList<StoredAuditEntry> Delivered => [.. _delivered];

    public int Attempts(long sequence) => _attempts.GetValueOrDefault(sequence);

    public ValueTask<AuditDeliveryResult> DeliverAsync(StoredAuditEntry entry, CancellationToken cancellationToken)
    {
        var attempt = _attempts.AddOrUpdate(entry.Sequence, 1, (_, n) => n + 1);
        var result = answer(entry, attempt);
        if (result.Outcome == AuditDeliveryOutcome.Delivered)
        {
            _delivered.Enqueue(entry);
        }

        return ValueTask.FromResult(result);
    }
}
