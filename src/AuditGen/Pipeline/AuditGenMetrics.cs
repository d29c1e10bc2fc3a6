using System.Diagnostics.Metrics;

namespace AuditGen.Pipeline;

/// <summary>
/// AuditGen's instruments, on the meter named <see cref="MeterName"/>: events created, queue-full
/// waits, stored, rejected, adjusted, delivered, retried, paused and dead-lettered (per sink), the queue depth,
/// and how long store commits, strict-mode waits and delivery attempts take.
/// </summary>
internal sealed class AuditGenMetrics
{
    /// <summary>The name of AuditGen's <see cref="Meter"/>; listen to it with dotnet-counters or OpenTelemetry.</summary>
    public const string MeterName = "AuditGen";

    // Exporters' default buckets suit milliseconds; these durations are in seconds, from a millisecond up.
    private static readonly InstrumentAdvice<double> s_seconds = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    };

    private readonly Counter<long> _created;
    private readonly Counter<long> _queueFull;
    private readonly Counter<long> _spilled;
    private readonly Counter<long> _stored;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _adjusted;
    private readonly Counter<long> _storeFailures;
    private readonly Counter<long> _lost;
    private readonly Counter<long> _strictRefused;
    private readonly Counter<long> _strictUnprotected;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _deliveryRetries;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _paused;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<double> _strictWait;
    private readonly Histogram<double> _deliveryDuration;

    internal AuditGenMetrics(IMeterFactory meterFactory, AuditEventQueue queue)
    {
        var meter = meterFactory.Create(MeterName);
        _created = meter.CreateCounter<long>("auditgen.events.created", "{event}", "Events handed to the pipeline.");
        _queueFull = meter.CreateCounter<long>("auditgen.queue.full", "{wait}", "Writes that found the queue full and waited for room.");
        _spilled = meter.CreateCounter<long>("auditgen.queue.spilled", "{event}", "Events written to the spill file because the queue was full.");
        _stored = meter.CreateCounter<long>("auditgen.events.stored", "{event}", "Events committed to the store.");
        _rejected = meter.CreateCounter<long>("auditgen.events.rejected", "{event}", "Stored events that break WorkOS's rules and are marked rejected.");
        _adjusted = meter.CreateCounter<long>("auditgen.events.adjusted", "{event}", "Stored events changed to fit WorkOS's limits (e.g. truncated values).");
        _storeFailures = meter.CreateCounter<long>("auditgen.store.failures", "{batch}", "Store writes that failed and will be retried.");
        _lost = meter.CreateCounter<long>("auditgen.events.lost", "{event}", "Events that could not be stored: written after shutdown began, abandoned by a shutdown that timed out, or lost to a defect.");
        _strictRefused = meter.CreateCounter<long>("auditgen.strict.refused", "{request}", "Strict requests answered 503 because their event could not be committed in time.");
        _strictUnprotected = meter.CreateCounter<long>("auditgen.strict.unprotected", "{request}", "Successful strict requests whose event could not be committed before the response (no generated filter, or the handler wrote the response itself).");
        _delivered = meter.CreateCounter<long>("auditgen.events.delivered", "{event}", "Events a sink accepted.");
        _deliveryRetries = meter.CreateCounter<long>("auditgen.delivery.retries", "{attempt}", "Delivery attempts a sink asked to retry.");
        _deadLettered = meter.CreateCounter<long>("auditgen.events.dead_lettered", "{event}", "Events a sink refused for good.");
        _paused = meter.CreateCounter<long>("auditgen.delivery.paused", "{attempt}", "Delivery attempts a sink refused until its configuration is fixed (e.g. WorkOS answered 401 or 403).");
        _commitDuration = meter.CreateHistogram("auditgen.store.commit.duration", "s", "How long the store took to commit a batch of events.", advice: s_seconds);
        _strictWait = meter.CreateHistogram("auditgen.strict.wait.duration", "s", "How long strict requests waited for their event's commit, committed or refused.", advice: s_seconds);
        _deliveryDuration = meter.CreateHistogram("auditgen.delivery.duration", "s", "How long a sink took to answer one delivery attempt, by sink and outcome.", advice: s_seconds);
        meter.CreateObservableGauge("auditgen.queue.depth", () => queue.Count, "{event}", "Events waiting in memory to be stored.");
    }

    internal void EventCreated(string action) => _created.Add(1, new KeyValuePair<string, object?>("auditgen.action", action));

    internal void QueueFull() => _queueFull.Add(1);

    internal void Spilled() => _spilled.Add(1);

    internal void EventsStored(int count, int rejected, int adjusted)
    {
        _stored.Add(count);
        if (rejected > 0)
        {
            _rejected.Add(rejected);
        }

        if (adjusted > 0)
        {
            _adjusted.Add(adjusted);
        }
    }

    internal void StoreFailed() => _storeFailures.Add(1);

    internal void EventLost(int count = 1) => _lost.Add(count);

    internal void StrictRefused() => _strictRefused.Add(1);

    internal void StrictUnprotected() => _strictUnprotected.Add(1);

    internal void Delivered(string sink, int count = 1) => _delivered.Add(count, Sink(sink));

    internal void DeliveryRetried(string sink) => _deliveryRetries.Add(1, Sink(sink));

    internal void DeadLettered(string sink) => _deadLettered.Add(1, Sink(sink));

    internal void DeliveryPaused(string sink) => _paused.Add(1, Sink(sink));

    internal void StoreCommitted(TimeSpan duration) => _commitDuration.Record(duration.TotalSeconds);

    internal void StrictWaited(TimeSpan duration) => _strictWait.Record(duration.TotalSeconds);

    internal void DeliveryAttempted(string sink, AuditDeliveryOutcome outcome, TimeSpan duration) =>
        _deliveryDuration.Record(duration.TotalSeconds, Sink(sink), new KeyValuePair<string, object?>("auditgen.outcome", OutcomeTag(outcome)));

    private static string OutcomeTag(AuditDeliveryOutcome outcome) => outcome switch
    {
        AuditDeliveryOutcome.Delivered => "delivered",
        AuditDeliveryOutcome.DeadLettered => "dead_lettered",
        AuditDeliveryOutcome.Paused => "paused",
        _ => "retry_later",
    };

    private static KeyValuePair<string, object?> Sink(string sink) => new("auditgen.sink", sink);
}
