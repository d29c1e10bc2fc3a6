using System.Diagnostics.CodeAnalysis;
using AuditGen.Pipeline;
using AuditGen.Sinks;
using AuditGen.Sinks.Datadog;
using AuditGen.Sinks.Https;
using AuditGen.Sinks.Splunk;
using AuditGen.Sinks.Syslog;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Adds the log stream sinks. Each reads the store from its own cursor, in batches. Those that post over HTTP send through
/// the <see cref="IHttpClientFactory"/> client named after them (<c>AuditGen.Datadog</c>, <c>AuditGen.Splunk</c>,
/// <c>AuditGen.Https</c>), so handlers and proxies can be added to it.
/// </summary>
public static class AuditGenLogStreamExtensions
{
    /// <summary>Streams events to Datadog Logs, configured from <c>AuditGen:Datadog</c> (API key from there or from <c>DD_API_KEY</c>).</summary>
    /// <param name="builder">The AuditGen builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder AddDatadogSink(this IAuditGenBuilder builder, Action<DatadogSinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<DatadogSinkOptions>().BindConfiguration(DatadogSinkOptions.SectionName);
        options.PostConfigure(static datadog => datadog.ApiKey ??= Environment.GetEnvironmentVariable(DatadogSinkOptions.ApiKeyEnvironmentVariable));
        return AddHttpSink<DatadogSinkOptions, DatadogSinkOptionsValidator, DatadogAuditSink>(builder, options, DatadogAuditSink.HttpClientName, configure);
    }

    /// <summary>Streams events to a Splunk HTTP Event Collector, configured from <c>AuditGen:Splunk</c>.</summary>
    /// <param name="builder">The AuditGen builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder AddSplunkSink(this IAuditGenBuilder builder, Action<SplunkSinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SplunkSinkOptions>().BindConfiguration(SplunkSinkOptions.SectionName);
        return AddHttpSink<SplunkSinkOptions, SplunkSinkOptionsValidator, SplunkAuditSink>(builder, options, SplunkAuditSink.HttpClientName, configure);
    }

    /// <summary>Streams events to an HTTPS endpoint, optionally signed, configured from <c>AuditGen:Https</c>.</summary>
    /// <param name="builder">The AuditGen builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder AddHttpsSink(this IAuditGenBuilder builder, Action<HttpsSinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<HttpsSinkOptions>().BindConfiguration(HttpsSinkOptions.SectionName);
        return AddHttpSink<HttpsSinkOptions, HttpsSinkOptionsValidator, HttpsAuditSink>(builder, options, HttpsAuditSink.HttpClientName, configure);
    }

    /// <summary>
    /// Streams events to a syslog receiver as RFC 5424 messages, over TLS (RFC 5425) or RELP, configured from
    /// <c>AuditGen:Syslog</c>.
    /// </summary>
    /// <param name="builder">The AuditGen builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder AddSyslogSink(this IAuditGenBuilder builder, Action<SyslogSinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<SyslogSinkOptions>().BindConfiguration(SyslogSinkOptions.SectionName);
        return StreamSinkRegistration.Add<SyslogSinkOptions, SyslogSinkOptionsValidator, SyslogAuditSink>(builder, options, configure);
    }

    private static IAuditGenBuilder AddHttpSink<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>(
        IAuditGenBuilder builder,
        OptionsBuilder<TOptions> options,
        string httpClientName,
        Action<TOptions>? configure)
        where TOptions : AuditStreamSinkOptions
        where TValidator : class, IValidateOptions<TOptions>
        where TSink : class, IAuditSink
    {
        StreamSinkRegistration.AddHttpClient(builder.Services, httpClientName);
        return StreamSinkRegistration.Add<TOptions, TValidator, TSink>(builder, options, configure);
    }
}
