
namespace AuditGen.Sinks.Datadog;

/// <summary>Delivery to Datadog Logs (HTTP intake API v2), bound from <c>AuditGen:Datadog</c>.</summary>
public sealed class DatadogSinkOptions : AuditStreamSinkOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:Datadog";

    /// <summary>The environment variable read when <see cref="ApiKey"/> is not configured.</summary>
    public const string ApiKeyEnvironmentVariable = "DD_API_KEY";

    /// <summary>The most events Datadog takes in one request.</summary>
    public const int MaxEntriesPerRequest = 1_000;

    /// <summary>The Datadog API key (sent as <c>DD-API-KEY</c>, never logged); when unset, <c>DD_API_KEY</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Your Datadog site (default <c>datadoghq.com</c>; also <c>datadoghq.eu</c>, <c>us3.datadoghq.com</c>, <c>us5.datadoghq.com</c>, <c>ap1.datadoghq.com</c>, <c>ddog-gov.com</c>).</summary>
    public string Site { get; set; } = "datadoghq.com";

    /// <summary>The intake's base address, in place of the site's (a proxy, or a local receiver for tests).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>The <c>service</c> of every log (default <c>auditgen</c>).</summary>
    public string Service { get; set; } = "auditgen";

    /// <summary>The <c>ddsource</c> of every log (default <c>auditgen</c>).</summary>
    public string Source { get; set; } = "auditgen";

    /// <summary>The <c>hostname</c> of every log (default: this machine's name).</summary>
    public string? Hostname { get; set; }

    /// <summary>Tags of every log, such as <c>env:prod</c>.</summary>
    public IList<string> Tags { get; } = [];

    /// <summary>Whether bodies are sent gzip-compressed, as Datadog recommends (default <see langword="true"/>).</summary>
    public bool Compress { get; set; } = true;

    /// <summary>The address logs are posted to.</summary>
    internal Uri IntakeUrl => new(BaseUrl is { } baseUrl ? new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/") : new Uri($"https://http-intake.logs.{Site}/"), "api/v2/logs");
}
