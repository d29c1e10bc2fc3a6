using System.Threading.Channels;
using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>The default <see cref="IAuditEventWriter"/>: puts events on the in-memory queue.</summary>
internal sealed class QueuedAuditEventWriter(AuditEventQueue queue, AuditGenMetrics metrics) : IAuditEventWriter
{
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
        metrics.QueueFull();
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
}
