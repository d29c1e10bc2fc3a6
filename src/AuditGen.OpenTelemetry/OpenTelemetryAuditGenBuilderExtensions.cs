using AuditGen.Pipeline;
using AuditGen.Sinks.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

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
        var options = builder.Services.AddOptions<OpenTelemetrySinkOptions>().BindConfiguration(OpenTelemetrySinkOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OpenTelemetrySinkOptions>, OpenTelemetrySinkOptionsValidator>());

        // Redirects are not followed: the export would go, headers and all, to another host. The sink keeps its handler,
        // so connections are renewed every few minutes to follow DNS changes.
        builder.Services.AddHttpClient(OpenTelemetryAuditSink.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, OpenTelemetryAuditSink>());
        return builder;
    }
}
