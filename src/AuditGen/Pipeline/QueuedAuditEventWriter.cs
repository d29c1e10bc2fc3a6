using System.Threading.Channels;
using AuditGen.Events;
using AuditGen.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.Pipeline;

/// <summary>
/// The default <see cref="IAuditEventWriter"/>: puts events on the in-memory queue. When the queue is
/// full it waits for room (back-pressure) rather than drop, counts every wait, and logs it at most once
/// a minute.
/// </summary>
internal sealed partial class QueuedAuditEventWriter(
    AuditEventQueue queue,
    AuditGenMetrics metrics,
    IOptions<AuditGenOptions> options,
    AuditSpillFile spill,
    Events.Validation.AuditEventPreparer preparer,
    TimeProvider timeProvider,
    ILogger<QueuedAuditEventWriter> logger) : IAuditEventWriter
{

    private long _lastFullWarning = long.MinValue;

    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var item = new QueuedAuditEvent(auditEvent, null);
        if (queue.Writer.TryWrite(item))
        {
            metrics.EventCreated(auditEvent.Action);
            return ValueTask.CompletedTask;
        }

        if (options.Value.QueueFullMode == AuditQueueFullMode.Spill && !queue.IsClosed)
        {
            // The caller does not wait: the prepared event goes to local disk, and the store writer takes it later.
            spill.Append(preparer.Prepare(auditEvent));
            metrics.EventCreated(auditEvent.Action);
            metrics.Spilled();
            WarnQueueFull();
            return ValueTask.CompletedTask;
        }

        return WaitForRoomAsync(item, cancellationToken);
    }

    public async ValueTask WriteCommittedAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var item = new QueuedAuditEvent(auditEvent, committed);
        if (queue.Writer.TryWrite(item))
        {
            metrics.EventCreated(auditEvent.Action);
        }
        else
        {
            await WaitForRoomAsync(item, cancellationToken);
        }

        await committed.Task.WaitAsync(cancellationToken);
    }

    private async ValueTask WaitForRoomAsync(QueuedAuditEvent item, CancellationToken cancellationToken)
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
            await queue.Writer.WriteAsync(item, cancellationToken);
        }
        catch (ChannelClosedException exception)
        {
            throw new AuditPipelineClosedException("The audit pipeline has shut down; the event was not queued.", exception);
        }

        metrics.EventCreated(auditEvent.Action);
    }

    /// <summary>Logs a full queue at most once a minute; the counters count every occurrence.</summary>
    private void WarnQueueFull()
    {
        var now = timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastFullWarning);
        if ((last == long.MinValue || timeProvider.GetElapsedTime(last, now) > TimeSpan.FromMinutes(1))
            && Interlocked.CompareExchange(ref _lastFullWarning, now, last) == last)
        {
            LogQueueFull(queue.Count, options.Value.QueueFullMode);
        }
    }

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Audit event {EventId} ({Action}) arrived after the audit pipeline shut down and was lost.")]
    private partial void LogClosed(AuditEventId eventId, string action);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "The audit queue is full ({Count} events waiting for the store); QueueFullMode {Mode}: writers wait for room or spill to disk, never drop. See the auditgen.queue.full and auditgen.queue.spilled counters.")]
    private partial void LogQueueFull(int count, AuditQueueFullMode mode);
}
