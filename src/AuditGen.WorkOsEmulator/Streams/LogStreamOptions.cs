namespace AuditGen.WorkOsEmulator.Streams;

/// <summary>The log stream receivers' settings, bound from <c>Emulator:Streams</c>.</summary>
public sealed class LogStreamOptions
{
    /// <summary>API keys Datadog's intake accepts in <c>DD-API-KEY</c>.</summary>
    public List<string> DatadogApiKeys { get; } = [];

    /// <summary>HEC tokens the Splunk collector accepts, without indexer acknowledgment.</summary>
    public List<string> SplunkTokens { get; } = [];

    /// <summary>HEC tokens with indexer acknowledgment on: requests need a channel, and batches an acknowledgment.</summary>
    public List<string> SplunkAckTokens { get; } = [];

    /// <summary>How long after it is received a Splunk batch counts as indexed (its acknowledgment turns true).</summary>
    public int SplunkIndexingDelayMilliseconds { get; set; } = 50;

    /// <summary>Probability that an accepted Splunk batch is lost before it is indexed: never acknowledged, never kept.</summary>
    public double SplunkIndexingLossRate { get; set; }

    /// <summary>The shared secret webhook requests must be signed with (<c>AuditGen-Signature</c>); unset: unsigned requests pass.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Bearer tokens the OTLP receiver accepts in <c>Authorization</c>; none: requests need no token.</summary>
    public List<string> OtlpBearerTokens { get; } = [];

    /// <summary>Actions whose log records the OTLP receiver refuses, answering with a partial success that counts them.</summary>
    public List<string> OtlpRejectedActions { get; } = [];
}
