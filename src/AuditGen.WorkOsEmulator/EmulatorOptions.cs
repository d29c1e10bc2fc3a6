namespace AuditGen.WorkOsEmulator;

/// <summary>The emulator's settings, bound from <c>Emulator</c>.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Emulator";

    /// <summary>Keys accepted in <c>Authorization: Bearer</c>; any other key gets 401.</summary>
    public List<string> ApiKeys { get; } = [];

    /// <summary>Keys that authenticate but lack permission: 403.</summary>
    public List<string> ForbiddenApiKeys { get; } = [];

    /// <summary>Known organizations; when any are listed, events for others get 404. Empty: every organization exists.</summary>
    public List<string> Organizations { get; } = [];

    /// <summary>Faults injected into the WorkOS API routes and the log stream receivers (never into <c>/_emulator</c>).</summary>
    public FaultOptions Faults { get; set; } = new();

    /// <summary>The log stream receivers: Datadog's intake, Splunk's collector, webhooks.</summary>
    public Streams.LogStreamOptions Streams { get; set; } = new();
}

/// <summary>Fault injection: each request to the API draws once and may get a fault instead of an answer.</summary>
public sealed class FaultOptions
{
    /// <summary>Probability (0 to 1) of answering each status instead, e.g. <c>{ "500": 0.1, "429": 0.05 }</c>.</summary>
    public Dictionary<int, double> StatusRates { get; } = [];

    /// <summary>Probability of closing the connection before the request is handled.</summary>
    public double DropConnectionRate { get; set; }

    /// <summary>Probability of closing the connection after an event was accepted (the client never hears it was).</summary>
    public double DropAfterAcceptRate { get; set; }

    /// <summary>The <c>Retry-After</c> (seconds) sent with injected 429 and 503 answers; 0 sends none.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>Delay added to every API request.</summary>
    public int LatencyMilliseconds { get; set; }

    /// <summary>Seed for the draws, for repeatable runs; unset: random.</summary>
    public int? Seed { get; set; }
}
