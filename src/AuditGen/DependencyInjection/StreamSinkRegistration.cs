using System.Diagnostics.CodeAnalysis;
using AuditGen.Pipeline;
using AuditGen.Sinks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>How every log stream sink registers, in this package and in the sink packages (S3, OpenTelemetry).</summary>
internal static class StreamSinkRegistration
{
    /// <summary>The options checked at start-up by their validator, <paramref name="configure"/> applied after binding, and the sink.</summary>
    public static IAuditGenBuilder Add<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSink>(
        IAuditGenBuilder builder,
        OptionsBuilder<TOptions> options,
        Action<TOptions>? configure)
        where TOptions : AuditStreamSinkOptions
        where TValidator : class, IValidateOptions<TOptions>
        where TSink : class, IAuditSink
    {
        options.ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, TSink>());
        return builder;
    }

    /// <summary>
    /// The <see cref="IHttpClientFactory"/> client an HTTP sink sends through. Each request has its own time limit
    /// (RequestTimeout), so the client's 100-second timeout is turned off. Redirects are not followed: a POST would arrive
    /// as a GET without its body, and the credentials would go to another host. Connections are renewed every few
    /// minutes, so that a sink that keeps its handler still follows DNS changes.
    /// </summary>
    public static void AddHttpClient(IServiceCollection services, string name) =>
        services.AddHttpClient(name, static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(2) });
}
