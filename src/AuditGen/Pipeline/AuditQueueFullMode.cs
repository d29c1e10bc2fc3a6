namespace AuditGen.Pipeline;

/// <summary>What a writer does when the in-memory queue is full (after-response mode). Neither drops an event.</summary>
public enum AuditQueueFullMode
{
    /// <summary>
    /// Wait for room (back-pressure on the caller), for at most <c>AuditGen:QueueFullWait</c> (default 2 s), then spill
    /// as <see cref="Spill"/> does: the default.
    /// </summary>
    Wait,

    /// <summary>
    /// Append the event to a local spill file (<c>AuditGen:SpillPath</c>) and return at once; the store
    /// writer moves spilled events into the store when the queue has drained.
    /// </summary>
    Spill,
}
