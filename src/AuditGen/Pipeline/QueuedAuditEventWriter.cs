using System.Threading.Channels;
using AuditGen.Events;
using Microsoft.Extensions.Logging;

namespace AuditGen.Pipeline;

/// <summary>
/// The default <see cref="IAuditEventWriter"/>: puts events on the in-memory queue. When the queue is
/// full it waits for room (back-pressure) rather than drop, counts every wait, and logs it at most once
/// a minute.
/// </summary>
internal sealed partial class QueuedAuditEventWriter(AuditEventQueue queue, AuditGenMetrics metrics, TimeProvider timeProvider, ILogger<QueuedAuditEventWriter> logger) : IAuditEventWriter
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
        var now = timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastFullWarning);
        if (last == long.MinValue || timeProvider.GetElapsedTime(last, now) > TimeSpan.FromMinutes(1))
        {
            if (Interlocked.CompareExchange(ref _lastFullWarning, now, last) == last)
            {
                LogQueueFull(queue.Count);
            }
        }

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

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Audit event {EventId} ({Action}) arrived after the audit pipeline shut down and was lost.")]
    private partial void LogClosed(AuditEventId eventId, string action);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "The audit queue is full ({Count} events waiting for the store); writers wait for room instead of dropping events. See the auditgen.queue.full counter.")]
    private partial void LogQueueFull(int count);
}
