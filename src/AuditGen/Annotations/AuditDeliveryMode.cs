namespace AuditGen;

/// <summary>When an audited request's event must be safely stored, relative to the response.</summary>
public enum AuditDeliveryMode
{
    /// <summary>On <c>[Audited]</c>: use the application's <c>AuditGen:DeliveryMode</c>.</summary>
    Default,

    /// <summary>
    /// The default: the event is queued after the response has been sent; the request never waits for I/O.
    /// A crash can lose what is still in the in-memory queue.
    /// </summary>
    AfterResponse,

    /// <summary>
    /// Strict: the response is held until the event is durably committed (batched with other requests'
    /// events: group commit). If the store cannot commit, the client gets 503 instead of a success it
    /// could not prove: fail-closed, for compliance-critical actions.
    /// </summary>
    BeforeResponse,
}
