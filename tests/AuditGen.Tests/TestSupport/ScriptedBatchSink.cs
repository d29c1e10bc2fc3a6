using System.Collections.Concurrent;
using AuditGen.Pipeline;

namespace AuditGen.Tests.TestSupport;

/// <summary>A batch sink whose answer to each batch is given by the test, recording every batch it was handed.</summary>
internal sealed class ScriptedBatchSink(string name, int maxBatchSize, Func<IReadOnlyList<StoredAuditEntry>, AuditDeliveryResult> answer, Func<StoredAuditEntry, string?>? refusal = null) : IAuditBatchSink
{
    private readonly ConcurrentQueue<long[]> _batches = new();
    private readonly ConcurrentQueue<StoredAuditEntry> _delivered = new();

    public string Name { get; } = name;

    public int MaxBatchSize { get; } = maxBatchSize;

    public IReadOnlyList<long[]> Batches => [.. _batches];

    public IReadOnlyList<StoredAuditEntry> Delivered => [.. _delivered];

    public string? Refusal(StoredAuditEntry entry) => refusal?.Invoke(entry);

    public ValueTask<AuditDeliveryResult> DeliverBatchAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        _batches.Enqueue([.. entries.Select(static entry => entry.Sequence)]);
        var result = answer(entries);
        if (result.Outcome == AuditDeliveryOutcome.Delivered)
        {
            foreach (var entry in entries)
            {
                _delivered.Enqueue(entry);
            }
        }

        return ValueTask.FromResult(result);
    }
}
