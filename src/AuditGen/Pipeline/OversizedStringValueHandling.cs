namespace AuditGen.Pipeline;

/// <summary>What to do with a metadata string longer than WorkOS's 500-character limit.</summary>
public enum OversizedStringValueHandling
{
    /// <summary>Cut it to 500 characters and note the cut on the stored record (the default).</summary>
    Truncate,

    /// <summary>Keep it whole and mark the event rejected, so sinks that enforce WorkOS's rules dead-letter it.</summary>
    Reject,
}
