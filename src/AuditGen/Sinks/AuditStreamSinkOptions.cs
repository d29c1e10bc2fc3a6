using AuditGen.Pipeline;

namespace AuditGen.Sinks;

/// <summary>What every log stream sink has: batch size, time limits, and which events it receives.</summary>
public abstract class AuditStreamSinkOptions
{
    /// <summary>Events per request (1 to the destination's limit; default 500).</summary>
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>How long one request may take before it counts as failed and is retried (default 30 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest <c>Retry-After</c> honoured (default 60 s); a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>While the destination refuses the credentials, how often delivery tries again (default 30 s).</summary>
    public TimeSpan PausedRetryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Which events this sink receives (default: all).</summary>
    public AuditSinkFilter Filter { get; } = new();
}
