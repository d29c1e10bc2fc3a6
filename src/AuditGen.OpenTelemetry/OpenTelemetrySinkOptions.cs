namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>Delivery to an OpenTelemetry collector over OTLP/HTTP, bound from <c>AuditGen:OpenTelemetry</c>.</summary>
public sealed class OpenTelemetrySinkOptions : AuditStreamSinkOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:OpenTelemetry";

    /// <summary>
    /// The collector's OTLP/HTTP logs address, path included, such as <c>http://localhost:4318/v1/logs</c> (https, or
    /// http on this machine).
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Headers sent with every export, such as <c>Authorization</c> or a vendor's API key. Their values are never logged.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The <c>service.name</c> of the log records' resource (default <c>auditgen</c>).</summary>
    public string ServiceName { get; set; } = "auditgen";

    /// <summary>Whether export requests are gzip-compressed (default <see langword="true"/>).</summary>
    public bool Compress { get; set; } = true;
}
