using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>
/// Where audited code hands its events. Writing only queues the event in memory: no I/O happens
/// on the caller's path, and bad values never throw (they are noted or rejected on the stored record).
/// </summary>
public interface IAuditEventWriter
{
    /// <summary>
    /// Queues <paramref name="auditEvent"/> for storage. Completes at once unless the queue is full,
    /// in which case it waits for room (back-pressure) rather than drop the event.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting for room.</exception>
    /// <exception cref="AuditPipelineClosedException">The application is shutting down and the queue no longer accepts events.</exception>
    ValueTask WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues <paramref name="auditEvent"/> and completes only once the store has durably committed it
    /// (strict mode). Events written together share one transaction (group commit).
    /// </summary>
    /// <exception cref="AuditCommitException">The store refused the batch; the event stays queued and is retried.</exception>
    ValueTask WriteCommittedAsync(AuditEvent auditEvent, CancellationToken cancellationToken = default);
}
