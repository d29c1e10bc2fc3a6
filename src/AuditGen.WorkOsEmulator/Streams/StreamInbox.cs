using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace AuditGen.WorkOsEmulator.Streams;

/// <summary>What each log stream receiver kept: every event id it took (with how often), and the first items as received.</summary>
internal sealed class StreamInbox
{
    private const int KeptSamples = 100;

    private readonly ConcurrentDictionary<string, Receiver> _receivers = new(StringComparer.Ordinal);

    public void Received(string receiver, string eventId, JsonObject item)
    {
        var inbox = _receivers.GetOrAdd(receiver, static _ => new Receiver());
        inbox.Counts.AddOrUpdate(eventId, 1, static (_, count) => count + 1);
        Interlocked.Increment(ref inbox.Total);
        if (inbox.Samples.Count < KeptSamples)
        {
            inbox.Samples.Enqueue(item);
        }
    }

    /// <summary>A refusal the receiver's contract requires but a real service would not answer (Datadog answers 202 and drops).</summary>
    public void Dropped(string receiver, string reason)
    {
        var inbox = _receivers.GetOrAdd(receiver, static _ => new Receiver());
        inbox.Dropped.AddOrUpdate(reason, 1, static (_, count) => count + 1);
    }

    public object Describe(string receiver, bool withIds)
    {
        var inbox = _receivers.GetOrAdd(receiver, static _ => new Receiver());
        return new
        {
            received = Interlocked.Read(ref inbox.Total),
            distinct = inbox.Counts.Count,
            duplicates = Interlocked.Read(ref inbox.Total) - inbox.Counts.Count,
            dropped = inbox.Dropped.ToDictionary(static pair => pair.Key, static pair => pair.Value),
            samples = inbox.Samples.ToArray(),
            ids = withIds ? inbox.Counts.Keys.Order(StringComparer.Ordinal).ToArray() : null,
        };
    }

    private sealed class Receiver
    {
        public readonly ConcurrentDictionary<string, int> Counts = new(StringComparer.Ordinal);
        public readonly ConcurrentDictionary<string, int> Dropped = new(StringComparer.Ordinal);
        public readonly ConcurrentQueue<JsonObject> Samples = new();
        public long Total;
    }
}
