using AuditGen.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.Pipeline;

/// <summary>
/// Moves events from the in-memory queue to the store in batches (group commit). A batch the store
/// cannot take is retried until it can: events wait in memory, and once the queue is full writers wait
/// too, so nothing is dropped. On shutdown it stops the queue and drains it before returning.
/// </summary>
internal sealed partial class AuditStoreWriter(
    AuditEventQueue queue,
    AuditSpillFile spill,
    AuditEventPreparer preparer,
    IAuditStore store,
    AuditAppendSignal appendSignal,
    AuditGenMetrics metrics,
    IOptions<AuditGenOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditStoreWriter> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _abort = new();
    private Task _loop = Task.CompletedTask;
    private int _inHand;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RunAsync(_abort.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        queue.Close();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await _abort.CancelAsync();
            var leftBehind = queue.Count + Volatile.Read(ref _inHand);
            metrics.EventLost(leftBehind);
            LogShutdownTimedOut(leftBehind);
        }
    }

    public void Dispose() => _abort.Dispose();

    private async Task RunAsync(CancellationToken abort)
    {
        var batchSize = options.Value.StoreBatchSize;
        var batch = new List<AuditEntry>(batchSize);
        var waiting = new List<TaskCompletionSource>();
        try
        {
            await DrainSpillAsync(abort);
            while (await queue.Reader.WaitToReadAsync(abort))
            {
                while (batch.Count < batchSize && queue.Reader.TryRead(out var item))
                {
                    if (TryPrepare(item.Event, item.Adjustments) is { } entry)
                    {
                        batch.Add(entry);
                        if (item.Committed is not null)
                        {
                            waiting.Add(item.Committed);
                        }
                    }
                    else
                    {
                        item.Committed?.TrySetException(new AuditCommitException("The audit event could not be prepared for storage."));
                    }
                }

                if (batch.Count > 0)
                {
                    Volatile.Write(ref _inHand, batch.Count);
                    await AppendUntilCommittedAsync(batch, waiting, abort);
                    Volatile.Write(ref _inHand, 0);
                }

                batch.Clear();
                waiting.Clear();
                if (queue.Count == 0)
                {
                    await DrainSpillAsync(abort);
                }
            }

            await DrainSpillAsync(abort);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Forced shutdown: StopAsync has logged how many events were left behind.
        }
    }

    /// <summary>Moves spilled events into the store once the queue has room to spare; also at start-up, after a crash.</summary>
    private async Task DrainSpillAsync(CancellationToken abort)
    {
        try
        {
            // At most two files: one a crash left half drained, then the spill file itself. Spills made meanwhile wait
            // for the next drain, so the queue is not kept waiting behind a stream of them.
            for (var file = 0; file < 2 && spill.TryStartDraining(); file++)
            {
                foreach (var batch in spill.ReadDraining(options.Value.StoreBatchSize))
                {
                    if (batch.Damaged > 0)
                    {
                        metrics.EventLost(batch.Damaged);
                        LogSpillDamaged(batch.Damaged, spill.Path, spill.DamagedPath);
                    }

                    if (batch.Entries.Count > 0)
                    {
                        await AppendUntilCommittedAsync(batch.Entries, [], abort);
                    }
                }

                spill.FinishDraining();
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // What was not drained stays on disk; the next drain (after the next batch, or at shutdown) starts it
            // again from its first line, and appends skip the events already stored by their id.
            LogSpillUnreadable(exception, spill.Path);
        }
    }

    private AuditEntry? TryPrepare(AuditEvent auditEvent, IReadOnlyList<string>? adjustments)
    {
        AuditEntry entry;
        try
        {
            entry = preparer.Prepare(auditEvent, adjustments);
        }
        catch (Exception exception)
        {
            // Preparing never throws for bad values; reaching this is a defect, and the writer must outlive it.
            metrics.EventLost();
            LogPrepareFailed(exception, auditEvent.Id, auditEvent.Action);
            return null;
        }

        if (entry.Rejection is not null)
        {
            LogRejected(auditEvent.Id, auditEvent.Action, entry.Rejection);
        }

        return entry;
    }

    /// <summary>
    /// Commits the batch, retrying until the store takes it. Strict-mode requests waiting on it are told
    /// at the first failure (they answer 503 rather than wait), and their events are still retried.
    /// </summary>
    private async Task AppendUntilCommittedAsync(List<AuditEntry> batch, List<TaskCompletionSource> waiting, CancellationToken abort)
    {
        for (var attempt = 1; ; attempt++)
        {
            var started = timeProvider.GetTimestamp();
            try
            {
                await store.AppendAsync(batch, abort);
                metrics.StoreCommitted(timeProvider.GetElapsedTime(started));
                break;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                metrics.StoreFailed();
                foreach (var request in waiting)
                {
                    request.TrySetException(new AuditCommitException("The audit store could not commit the event.", exception));
                }

                var delay = options.Value.StoreRetryDelay;
                LogStoreFailed(exception, batch.Count, attempt, delay);
                await Task.Delay(delay, timeProvider, abort);
            }
        }

        foreach (var request in waiting)
        {
            request.TrySetResult();
        }

        metrics.EventsStored(batch.Count, batch.Count(static e => e.Rejection is not null), batch.Count(static e => e.Adjustments.Count > 0));
        appendSignal.NotifyAppended();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Audit event {EventId} ({Action}) breaks WorkOS's rules and is stored marked rejected: {Reason}")]
    private partial void LogRejected(AuditEventId eventId, string action, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "The audit store could not commit {Count} events (attempt {Attempt}); retrying in {Delay}. Events wait in memory meanwhile.")]
    private partial void LogStoreFailed(Exception exception, int count, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 4, Level = LogLevel.Critical, Message = "Audit event {EventId} ({Action}) could not be serialized and was lost. This is a defect in AuditGen; please report it.")]
    private partial void LogPrepareFailed(Exception exception, AuditEventId eventId, string action);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "The audit spill file {Path} could not be drained; its events stay on disk and are tried again after the next batch.")]
    private partial void LogSpillUnreadable(Exception exception, string path);

    [LoggerMessage(EventId = 8, Level = LogLevel.Critical, Message = "{Count} lines of the audit spill file {Path} could not be read (torn by a crash while being written?); they are not in the audit log, and are kept in {DamagedPath} for inspection.")]
    private partial void LogSpillDamaged(int count, string path, string damagedPath);

    [LoggerMessage(EventId = 3, Level = LogLevel.Critical, Message = "Shutdown did not leave time to store every audit event: {Count} events were still queued or being written. Give the host a longer ShutdownTimeout.")]
    private partial void LogShutdownTimedOut(int count);
}
