using System.Threading.Channels;
using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>The default <see cref="IAuditEventWriter"/>: puts events on the in-memory queue.</summary>
internal sealed class QueuedAuditEventWriter(AuditEventQueue queue, AuditGenMetrics metrics) : IAuditEventWriter
{
    public ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        if (queue.Writer.TryWrite(auditEvent))
        {
            metrics.EventCreated(auditEvent.Action);
            return ValueTask.CompletedTask;
        }

        return WaitForRoomAsync(auditEvent, cancellationToken);
    }

    private async ValueTask WaitForRoomAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        metrics.QueueFull();
        try
        {
            await queue.Writer.WriteAsync(auditEvent, cancellationToken);
        }
        catch (ChannelClosedException exception)
        {
            throw new AuditPipelineClosedException("The audit pipeline has shut down; the event was not queued.", exception);
        }

        metrics.EventCreated(auditEvent.Action);
    }
}
