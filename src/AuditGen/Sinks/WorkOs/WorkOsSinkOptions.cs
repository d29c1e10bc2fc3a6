namespace AuditGen.Sinks.WorkOs;

/// <summary>Delivery to WorkOS Audit Logs, bound from <c>AuditGen:WorkOs</c>.</summary>
public sealed class WorkOsSinkOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:WorkOs";

    /// <summary>The environment variable read when <see cref="ApiKey"/> is not configured.</summary>
    public const string ApiKeyEnvironmentVariable = "WORKOS_API_KEY";

    /// <summary>
    /// The WorkOS API key (<c>sk_...</c>); when unset, <c>WORKOS_API_KEY</c>. Sent only in the
    /// <c>Authorization</c> header: never logged, never stored, never part of an error message.
    /// Read on every request, so a corrected key in reloadable configuration resumes a paused sink.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The API's base address (default <c>https://api.workos.com</c>); point it at the emulator for local work.</summary>
    public Uri BaseUrl { get; set; } = new("https://api.workos.com");

    /// <summary>Events sent at once (1 to 64; default 8). WorkOS takes one event per request.</summary>
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>
    /// Requests per minute this sink allows itself (default 5,000, under WorkOS's 6,000 per minute per IP so other
    /// WorkOS calls from the same address still fit); 0 lifts the limit. Read at start-up.
    /// </summary>
    public int RequestsPerMinute { get; set; } = 5_000;

    /// <summary>How long one attempt may take before it counts as failed and is retried (default 10 s). Read at start-up.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Quick retries of one event before it goes back to the delivery loop, which keeps trying (0 to 10; default 3).
    /// Backoff is exponential from <see cref="RetryBaseDelay"/> with jitter, at most 8 s; a <c>Retry-After</c> from WorkOS replaces it.
    /// Read at start-up.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The first quick retry's delay before jitter, and the least a <c>Retry-After</c> is taken as (default 500 ms, as the official node SDK). Read at start-up.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest <c>Retry-After</c> honoured (default 60 s); a longer one is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>While WorkOS answers 401 or 403, how often delivery tries again (default 30 s).</summary>
    public TimeSpan PausedRetryInterval { get; set; } = TimeSpan.FromSeconds(30);
}
