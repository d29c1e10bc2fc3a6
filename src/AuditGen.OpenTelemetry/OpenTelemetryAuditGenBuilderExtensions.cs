using AuditGen.Sinks.OpenTelemetry;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the OpenTelemetry (OTLP) log stream sink.</summary>
public static class OpenTelemetryAuditGenBuilderExtensions
{
    /// <summary>
    /// Streams events to an OpenTelemetry collector as OTLP log records, configured from <c>AuditGen:OpenTelemetry</c>.
    /// Exports go through the message handlers of the <see cref="System.Net.Http.IHttpClientFactory"/> client named
    /// <c>AuditGen.OpenTelemetry</c>; the client's own settings (such as its timeout) are not used.
    /// </summary>
    /// <param name="builder">The AuditGen builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder AddOpenTelemetrySink(this IAuditGenBuilder builder, Action<OpenTelemetrySinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<OpenTelemetrySinkOptions>().BindConfiguration(OpenTelemetrySinkOptions.SectionName);
        StreamSinkRegistration.AddHttpClient(builder.Services, OpenTelemetryAuditSink.HttpClientName);
        return StreamSinkRegistration.Add<OpenTelemetrySinkOptions, OpenTelemetrySinkOptionsValidator, OpenTelemetryAuditSink>(builder, options, configure);
    }
}
