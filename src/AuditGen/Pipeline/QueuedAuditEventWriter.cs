using System.Threading.Channels;
using AuditGen.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.Pipeline;

/// <summary>
/// The default <see cref="IAuditEventWriter"/>: puts events on the in-memory queue. When the queue is
/// full it spills to local disk at once (<c>Spill</c>) or after waiting for room for a while (<c>Wait</c>),
/// never drops, counts every wait and spill, and logs them at most once a minute.
/// </summary>
internal sealed partial class QueuedAuditEventWriter(
    AuditEventQueue queue,
    AuditGenMetrics metrics,
    IOptions<AuditGenOptions> options,
    AuditSpillFile spill,
    AuditEventPreparer preparer,
    TimeProvider timeProvider,
    ILogger<QueuedAuditEventWriter> logger) : IAuditEventWriter
{

    private long _lastFullWarning = long.MinValue;

    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var item = Bounded(auditEvent, committed: null);
        if (queue.Writer.TryWrite(item))
        {
            metrics.EventCreated(auditEvent.Action);
            return ValueTask.CompletedTask;
        }

        // Spill: the caller does not wait, the prepared event goes to local disk and the store writer takes it later.
        if (options.Value.QueueFullMode == AuditQueueFullMode.Spill && !queue.IsClosed && TrySpill(item))
        {
            return ValueTask.CompletedTask;
        }

        return WaitForRoomAsync(item, options.Value.QueueFullMode == AuditQueueFullMode.Spill ? Timeout.InfiniteTimeSpan : options.Value.QueueFullWait, cancellationToken);
    }

    public async ValueTask WriteCommittedAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var item = Bounded(auditEvent, committed);
        if (queue.Writer.TryWrite(item))
        {
            metrics.EventCreated(auditEvent.Action);
        }
        else
        {
            await WaitForRoomAsync(item, Timeout.InfiniteTimeSpan, cancellationToken);
        }

        await committed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits for room in the queue; after <paramref name="spillAfter"/>, spills the event instead.</summary>
    private async ValueTask WaitForRoomAsync(QueuedAuditEvent item, TimeSpan spillAfter, CancellationToken cancellationToken)
    {
        var auditEvent = item.Event;
        if (queue.IsClosed)
        {
            metrics.EventLost();
            LogClosed(auditEvent.Id, auditEvent.Action);
            throw new AuditPipelineClosedException("The audit pipeline has shut down; the event was not queued.");
        }

        metrics.QueueFull();
        WarnQueueFull();

        try
        {
            if (spillAfter != Timeout.InfiniteTimeSpan)
            {
                using var waited = new CancellationTokenSource(spillAfter, timeProvider);
                using var waitOrCancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, waited.Token);
                try
                {
                    await EnqueueAsync(item, waitOrCancel.Token);
                    return;
                }
                catch (OperationCanceledException) when (waited.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // A cancelled channel write never enqueued the item, so spilling it cannot store it twice.
                    if (TrySpill(item))
                    {
                        return;
                    }
                }
            }

            // No limit, or the spill file could not take it: wait for room as long as it takes rather than lose it.
            await EnqueueAsync(item, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller stopped waiting (a strict request's time limit, say), but its action happened: keep the event.
            if (!TrySpill(item))
            {
                metrics.EventLost();
                LogLostWaiting(auditEvent.Id, auditEvent.Action);
            }

            throw;
        }
    }

    private async ValueTask EnqueueAsync(QueuedAuditEvent item, CancellationToken cancellationToken)
    {
        try
        {
            await queue.Writer.WriteAsync(item, cancellationToken);
        }
        catch (ChannelClosedException exception)
        {
            throw new AuditPipelineClosedException("The audit pipeline has shut down; the event was not queued.", exception);
        }

        metrics.EventCreated(item.Event.Action);
    }

    /// <summary>The queue item of <paramref name="auditEvent"/>, its strings cut to <see cref="AuditGenOptions.MaxFieldLength"/> first.</summary>
    private QueuedAuditEvent Bounded(AuditEvent auditEvent, TaskCompletionSource? committed)
    {
        List<string>? adjustments = null;
        return new QueuedAuditEvent(AuditEventBounds.Apply(auditEvent, options.Value.MaxFieldLength, ref adjustments), committed, adjustments);
    }

    private bool TrySpill(QueuedAuditEvent item)
    {
        var auditEvent = item.Event;
        try
        {
            spill.Append(preparer.Prepare(auditEvent, item.Adjustments));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogSpillFailed(exception, auditEvent.Id, auditEvent.Action, spill.Path);
            return false;
        }

        metrics.EventCreated(auditEvent.Action);
        metrics.Spilled();
        WarnQueueFull();
        return true;
    }

    /// <summary>Logs a full queue at most once a minute; the counters count every occurrence.</summary>
    private void WarnQueueFull()
    {
        var now = timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastFullWarning);
        if ((last == long.MinValue || timeProvider.GetElapsedTime(last, now) > TimeSpan.FromMinutes(1))
            && Interlocked.CompareExchange(ref _lastFullWarning, now, last) == last)
        {
            LogQueueFull(queue.Count, options.Value.QueueFullMode, options.Value.QueueFullWait);
        }
    }

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Audit event {EventId} ({Action}) arrived after the audit pipeline shut down and was lost.")]
    private partial void LogClosed(AuditEventId eventId, string action);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "The audit queue is full ({Count} events waiting for the store); with QueueFullMode {Mode} and QueueFullWait {Wait}, writers wait for room or spill to disk, and never drop. See the auditgen.queue.full and auditgen.queue.spilled counters.")]
    private partial void LogQueueFull(int count, AuditQueueFullMode mode, TimeSpan wait);

    [LoggerMessage(EventId = 17, Level = LogLevel.Critical, Message = "Audit event {EventId} ({Action}) was lost: its writer stopped waiting for room in the full queue, and the spill file could not take it.")]
    private partial void LogLostWaiting(AuditEventId eventId, string action);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "Audit event {EventId} ({Action}) could not be spilled to {Path}; it waits for room in the queue instead.")]
    private partial void LogSpillFailed(Exception exception, AuditEventId eventId, string action, string path);
}
