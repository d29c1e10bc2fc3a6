namespace AuditGen.Pipeline;

/// <summary>What a sink did with an entry.</summary>
public sealed class AuditDeliveryResult
{
    private AuditDeliveryResult(AuditDeliveryOutcome outcome, string? reason, TimeSpan? retryAfter)
    {
        Outcome = outcome;
        Reason = reason;
        RetryAfter = retryAfter;
    }

    /// <summary>The sink has the entry.</summary>
    public static AuditDeliveryResult Delivered { get; } = new(AuditDeliveryOutcome.Delivered, null, null);

    /// <summary>What happened.</summary>
    public AuditDeliveryOutcome Outcome { get; }

    /// <summary>Why the entry was not delivered.</summary>
    public string? Reason { get; }

    /// <summary>How long to wait before trying again, when the sink knows.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The sink will never take this entry (e.g. WorkOS answered 400); keep it as a dead letter and move on.</summary>
    public static AuditDeliveryResult DeadLetter(string reason) => new(AuditDeliveryOutcome.DeadLettered, reason, null);

    /// <summary>The sink could not take the entry now; try the same entry again later.</summary>
    public static AuditDeliveryResult Retry(string reason, TimeSpan? retryAfter = null) => new(AuditDeliveryOutcome.RetryLater, reason, retryAfter);

    /// <summary>
    /// The sink cannot take anything until someone acts (e.g. WorkOS answered 401: the API key is wrong).
    /// Delivery to this sink pauses, the health check reports it, and the entry is tried again after
    /// <paramref name="retryAfter"/> so that a fixed configuration resumes delivery.
    /// </summary>
    public static AuditDeliveryResult Pause(string reason, TimeSpan retryAfter) => new(AuditDeliveryOutcome.Paused, reason, retryAfter);
}

/// <summary>The kinds of <see cref="AuditDeliveryResult"/>.</summary>
public enum AuditDeliveryOutcome
{
    /// <summary>Delivered.</summary>
    Delivered,

    /// <summary>Refused for good and kept as a dead letter.</summary>
    DeadLettered,

    /// <summary>Not delivered now; to be tried again.</summary>
    RetryLater,

    /// <summary>Not delivered; the sink is paused until its configuration is fixed.</summary>
    Paused,
}
