using AuditGen.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.Pipeline;

/// <summary>
/// Delivers stored entries to every registered sink, each sink on its own loop from its own cursor
/// in the store, up to <see cref="IAuditSink.MaxConcurrency"/> entries at once, or in batches for an
/// <see cref="IAuditBatchSink"/>. An entry is retried
/// until the sink takes it or dead-letters it; the cursor moves past a batch only once every entry
/// in it is settled, so a crash means re-delivery (absorbed by event ids), never a loss. Dead letters
/// whose re-delivery was requested are tried again on the same loop. When instances share a store, each sink
/// is delivered by the one instance holding its <see cref="IAuditDeliveryLease"/>.
/// </summary>
internal sealed partial class AuditDeliveryWorker(
    IEnumerable<IAuditSink> sinks,
    IAuditStore store,
    AuditAppendSignal appendSignal,
    AuditSinkMonitor monitor,
    AuditGenMetrics metrics,
    IOptions<AuditGenOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditDeliveryWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(sinks.Select(sink => Task.Run(() => RunSinkAsync(sink, stoppingToken), stoppingToken)));

    private async Task RunSinkAsync(IAuditSink sink, CancellationToken stoppingToken)
    {
        monitor.Started(sink.Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var lease = await AcquireLeaseAsync(sink, stoppingToken);
                using var delivering = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
                await DeliverWhileLeasedAsync(sink, delivering.Token);
                if (lease.Lost.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
                {
                    LogLeaseLost(sink.Name);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // Whatever went wrong, this sink's loop must not end while the application runs.
                LogStoreUnavailable(exception, sink.Name);
                await Task.Delay(options.Value.DeliveryRetryDelay, timeProvider, stoppingToken);
            }
        }
    }

    /// <summary>Waits until this instance may deliver the sink: another instance sharing the store may hold it.</summary>
    private async Task<IAuditDeliveryLease> AcquireLeaseAsync(IAuditSink sink, CancellationToken stoppingToken)
    {
        var waiting = false;
        while (true)
        {
            try
            {
                if (await store.TryAcquireDeliveryLeaseAsync(sink.Name, stoppingToken) is { } lease)
                {
                    monitor.Leased(sink.Name);
                    return lease;
                }

                if (!waiting)
                {
                    monitor.StandingBy(sink.Name);
                    LogStandingBy(sink.Name);
                    waiting = true;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogStoreUnavailable(exception, sink.Name);
            }

            await Task.Delay(options.Value.DeliveryPollInterval, timeProvider, stoppingToken);
        }
    }

    private async Task DeliverWhileLeasedAsync(IAuditSink sink, CancellationToken cancellationToken)
    {
        var parallelism = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, sink.MaxConcurrency), CancellationToken = cancellationToken };
        long? cursor = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                cursor ??= await store.GetSinkCursorAsync(sink.Name, cancellationToken);
                var nextAppend = appendSignal.NextAppend;
                await RedriveAsync(sink, parallelism, cancellationToken);
                var batchSink = sink as IAuditBatchSink;
                var readSize = batchSink is null ? options.Value.DeliveryBatchSize : Math.Max(options.Value.DeliveryBatchSize, batchSink.MaxBatchSize);
                var batch = await store.ReadAfterAsync(cursor.Value, readSize, cancellationToken);
                if (batch.Count == 0)
                {
                    await WaitForAppendAsync(nextAppend, cancellationToken);
                    continue;
                }

                if (batchSink is null)
                {
                    await Parallel.ForEachAsync(batch, parallelism, async (entry, token) => await DeliverUntilSettledAsync(sink, [entry], token));
                }
                else
                {
                    await DeliverInBatchesAsync(batchSink, batch, cancellationToken);
                }

                await store.SetSinkCursorAsync(sink.Name, batch[^1].Sequence, cancellationToken);
                cursor = batch[^1].Sequence;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogStoreUnavailable(exception, sink.Name);
                if (!await DelayAsync(options.Value.DeliveryRetryDelay, cancellationToken))
                {
                    return;
                }
            }
        }
    }

    /// <returns><see langword="false"/> when <paramref name="cancellationToken"/> fired first (shutdown, or the lease was lost).</returns>
    private async Task<bool> DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task RedriveAsync(IAuditSink sink, ParallelOptions parallelism, CancellationToken stoppingToken)
    {
        var redrives = await store.ReadRedrivesAsync(sink.Name, options.Value.DeliveryBatchSize, stoppingToken);
        await Parallel.ForEachAsync(redrives, parallelism, async (entry, token) =>
        {
            if (await DeliverUntilSettledAsync(sink, [entry], token))
            {
                await store.RemoveDeadLetterAsync(sink.Name, entry.Sequence, token);
                LogRedelivered(sink.Name, entry.EventId);
            }
        });
    }

    /// <summary>
    /// Cuts <paramref name="read"/> into the sink's batches, leaving out what its filter excludes, and delivers each batch
    /// until it is settled.
    /// </summary>
    private async Task DeliverInBatchesAsync(IAuditBatchSink sink, IReadOnlyList<StoredAuditEntry> read, CancellationToken stoppingToken)
    {
        var batch = new List<StoredAuditEntry>(Math.Min(read.Count, sink.MaxBatchSize));
        var bytes = 0L;
        foreach (var entry in read)
        {
            if (sink.Filter is { } filter && !filter.Matches(entry))
            {
                continue;
            }

            if (batch.Count > 0 && (batch.Count >= sink.MaxBatchSize || bytes + entry.EventJson.Length > sink.MaxBatchBytes))
            {
                await DeliverUntilSettledAsync(sink, batch, stoppingToken);
                batch.Clear();
                bytes = 0;
            }

            batch.Add(entry);
            bytes += entry.EventJson.Length;
        }

        if (batch.Count > 0)
        {
            await DeliverUntilSettledAsync(sink, batch, stoppingToken);
        }
    }

    /// <returns><see langword="true"/> when the sink took every entry; <see langword="false"/> when any was dead-lettered.</returns>
    private async Task<bool> DeliverUntilSettledAsync(IAuditSink sink, List<StoredAuditEntry> entries, CancellationToken stoppingToken)
    {
        var allTaken = true;
        var batchSink = sink as IAuditBatchSink;
        while (true)
        {
            // Asked again before every attempt: an event can become too old for its destination while a sink is paused.
            if (batchSink is not null)
            {
                allTaken &= await DeadLetterRefusedAsync(batchSink, entries, stoppingToken);
                if (entries.Count == 0)
                {
                    return allTaken;
                }
            }

            var entry = entries[0];
            AuditDeliveryResult result;
            var started = timeProvider.GetTimestamp();
            try
            {
                result = batchSink is null ? await sink.DeliverAsync(entry, stoppingToken) : await batchSink.DeliverBatchAsync(entries, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                result = AuditDeliveryResult.Retry($"{exception.GetType().Name}: {exception.Message}");
            }

            metrics.DeliveryAttempted(sink.Name, result.Outcome, timeProvider.GetElapsedTime(started));

            switch (result.Outcome)
            {
                case AuditDeliveryOutcome.Delivered:
                    metrics.Delivered(sink.Name, entries.Count);
                    monitor.Delivered(sink.Name);
                    return allTaken;
                case AuditDeliveryOutcome.DeadLettered when entries.Count > 1:
                    // Which entry the destination refuses is found by sending each on its own: only that one is kept aside.
                    foreach (var single in entries)
                    {
                        allTaken &= await DeliverUntilSettledAsync(sink, [single], stoppingToken);
                    }

                    return allTaken;
                case AuditDeliveryOutcome.DeadLettered:
                    await DeadLetterAsync(sink, entry, result.Reason!, stoppingToken);
                    return false;
                case AuditDeliveryOutcome.Paused:
                    metrics.DeliveryPaused(sink.Name);
                    if (monitor.Paused(sink.Name, result.Reason!))
                    {
                        LogPaused(sink.Name, result.Reason!, result.RetryAfter!.Value);
                    }

                    await Task.Delay(result.RetryAfter!.Value, timeProvider, stoppingToken);
                    break;
                default:
                    metrics.DeliveryRetried(sink.Name);
                    var delay = result.RetryAfter ?? options.Value.DeliveryRetryDelay;
                    LogRetrying(sink.Name, entries.Count, entry.EventId, result.Reason!, delay);
                    await Task.Delay(delay, timeProvider, stoppingToken);
                    break;
            }
        }
    }

    /// <returns><see langword="false"/> when the sink's destination would refuse some of <paramref name="entries"/>, now dead letters.</returns>
    private async Task<bool> DeadLetterRefusedAsync(IAuditBatchSink sink, List<StoredAuditEntry> entries, CancellationToken stoppingToken)
    {
        var allAccepted = true;
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            if (sink.Refusal(entries[i]) is { } refusal)
            {
                await DeadLetterAsync(sink, entries[i], refusal, stoppingToken);
                entries.RemoveAt(i);
                allAccepted = false;
            }
        }

        return allAccepted;
    }

    private async Task DeadLetterAsync(IAuditSink sink, StoredAuditEntry entry, string reason, CancellationToken stoppingToken)
    {
        await store.AddDeadLetterAsync(new AuditDeadLetter(sink.Name, entry.Sequence, reason, timeProvider.GetUtcNow()), stoppingToken);
        metrics.DeadLettered(sink.Name);
        LogDeadLettered(sink.Name, entry.EventId, reason);
    }

    private async Task WaitForAppendAsync(Task nextAppend, CancellationToken stoppingToken)
    {
        // The poll interval also picks up entries appended by other processes sharing the store.
        try
        {
            await nextAppend.WaitAsync(options.Value.DeliveryPollInterval, timeProvider, stoppingToken);
        }
        catch (TimeoutException)
        {
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "Audit delivery to sink '{Sink}' cannot read or update the store; retrying.")]
    private partial void LogStoreUnavailable(Exception exception, string sink);

    [LoggerMessage(EventId = 11, Level = LogLevel.Error, Message = "Sink '{Sink}' refused audit event {EventId} for good; kept as a dead letter: {Reason}")]
    private partial void LogDeadLettered(string sink, AuditEventId eventId, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Sink '{Sink}' did not take {Count} audit event(s) from {EventId} on ({Reason}); retrying in {Delay}.")]
    private partial void LogRetrying(string sink, int count, AuditEventId eventId, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 13, Level = LogLevel.Error, Message = "Delivery to sink '{Sink}' is paused: {Reason}. Events wait in the store; trying again every {Delay} until it takes one.")]
    private partial void LogPaused(string sink, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Sink '{Sink}' took re-driven dead letter {EventId}.")]
    private partial void LogRedelivered(string sink, AuditEventId eventId);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Another instance sharing the audit store delivers sink '{Sink}'; this one stands by and takes over if it stops.")]
    private partial void LogStandingBy(string sink);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "This instance lost the right to deliver sink '{Sink}' (its store connection broke); taking it again.")]
    private partial void LogLeaseLost(string sink);
}
