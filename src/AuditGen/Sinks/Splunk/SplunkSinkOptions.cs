
namespace AuditGen.Sinks.Splunk;

/// <summary>Delivery to a Splunk HTTP Event Collector, bound from <c>AuditGen:Splunk</c>.</summary>
public sealed class SplunkSinkOptions : AuditStreamSinkOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:Splunk";

    /// <summary>The collector's base address, such as <c>https://splunk.example.com:8088</c>.</summary>
    public Uri? Url { get; set; }

    /// <summary>The HEC token (sent as <c>Authorization: Splunk TOKEN</c>, never logged).</summary>
    public string? Token { get; set; }

    /// <summary>The index events go to; unset: the token's default index.</summary>
    public string? Index { get; set; }

    /// <summary>The <c>sourcetype</c> of every event (default <c>auditgen:workos</c>).</summary>
    public string SourceType { get; set; } = "auditgen:workos";

    /// <summary>The <c>source</c> of every event (default <c>auditgen</c>).</summary>
    public string Source { get; set; } = "auditgen";

    /// <summary>The <c>host</c> of every event (default: this machine's name).</summary>
    public string? Host { get; set; }

    /// <summary>
    /// Whether the token has indexer acknowledgment on. A batch then counts as delivered only once Splunk says it is
    /// indexed; one not acknowledged within <see cref="AcknowledgmentTimeout"/> is sent again.
    /// </summary>
    public bool UseIndexerAcknowledgment { get; set; }

    /// <summary>The channel acknowledgments are tracked on (a GUID); unset: a new one each time the application starts.</summary>
    public Guid? Channel { get; set; }

    /// <summary>How often an acknowledgment is asked for (default 1 s).</summary>
    public TimeSpan AcknowledgmentPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a batch may wait for its acknowledgment before it is sent again (default 2 minutes).</summary>
    public TimeSpan AcknowledgmentTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
