using System.Diagnostics.Metrics;
using AuditGen.AspNetCore;
using AuditGen.AspNetCore.Viewer;
using AuditGen.HealthChecks;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores;
using AuditGen.Stores.Witnesses;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AuditGen with an application's services.</summary>
public static class AuditGenServiceCollectionExtensions
{
    /// <summary>
    /// Adds the audit pipeline: options bound from the <c>AuditGen</c> configuration section and
    /// validated at start-up, the <see cref="IAuditEventWriter"/> that audited code writes to, the
    /// background store writer and delivery worker, AuditGen's metrics, the embedded SQLite store
    /// (unless another store is chosen on the returned builder), and the ASP.NET Core hooks that turn
    /// every request to an <c>[Audited]</c> endpoint into an event. Services the application registered
    /// itself are kept.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder AddAuditGen(this IServiceCollection services, Action<AuditGenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new AuditGenBuilder(services);
        var options = services.AddOptions<AuditGenOptions>();
        if (!services.Any(static d => d.ImplementationType == typeof(AuditGenOptionsValidator)))
        {
            // Bound once: a second AddAuditGen() (say, from a library) must not re-apply configuration over code.
            options.BindConfiguration(AuditGenOptions.SectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditGenOptions>, AuditGenOptionsValidator>());
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditGenOptions>, AuditStoreConfigurationValidator>());
            services.AddOptions<AuditLedgerOptions>().BindConfiguration(AuditLedgerOptions.SectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditLedgerOptions>, AuditLedgerOptionsValidator>());
            services.TryAddSingleton<WitnessingStatus>();
            services.AddHttpClient(WitnessPublisher.HttpClientName, static client => client.Timeout = TimeSpan.FromSeconds(30));
            services.AddHostedService<WitnessPublisher>();
            AddPipeline(services);
            AuditGenBuilderExtensions.AddSqliteStore(builder, replace: false);
            AddAspNetCoreHooks(services);
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        return builder;
    }

    /// <summary>
    /// Adds a health check named <paramref name="name"/> reporting each sink's backlog, last delivery and whether
    /// delivery is paused (unhealthy while, for example, WorkOS refuses the API key), and one named
    /// <paramref name="name"/><c>-witnesses</c> reporting the witnesses' latest answers (unhealthy when a witness holds a
    /// log this one does not extend, degraded while fewer than the quorum cosigned).
    /// </summary>
    /// <param name="builder">The application's health checks.</param>
    /// <param name="name">The check's name (default <c>auditgen</c>).</param>
    /// <param name="tags">Tags for filtering, e.g. <c>ready</c>.</param>
    public static IHealthChecksBuilder AddAuditGen(this IHealthChecksBuilder builder, string name = "auditgen", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var tagList = tags?.ToArray() ?? [];
        return builder
            .AddCheck<AuditGenHealthCheck>(name, failureStatus: null, tags: tagList)
            .AddCheck<WitnessingHealthCheck>($"{name}-witnesses", failureStatus: null, tags: tagList);
    }

    private static void AddPipeline(IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new AuditEventQueue(provider.GetRequiredService<IOptions<AuditGenOptions>>().Value.QueueCapacity));
        services.TryAddSingleton(provider => new AuditGenMetrics(provider.GetRequiredService<IMeterFactory>(), provider.GetRequiredService<AuditEventQueue>()));
        services.TryAddSingleton<AuditAppendSignal>();
        services.TryAddSingleton<AuditSinkMonitor>();
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AuditGenOptions>>().Value;
            return new AuditEventPreparer(options.OversizedStringValues, options.SchemaVersions);
        });
        services.TryAddSingleton(provider =>
        {
            var spillPath = provider.GetRequiredService<IOptions<AuditGenOptions>>().Value.SpillPath;
            return new AuditSpillFile(ContentRootPath(provider, spillPath));
        });
        services.TryAddSingleton<IAuditEventWriter, QueuedAuditEventWriter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditStoreWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditDeliveryWorker>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditRetentionService>());
    }

    // The outermost middleware and the endpoint hook come from a startup filter, so the application calls
    // nothing; MVC actions are read through a global action filter.
    private static void AddAspNetCoreHooks(IServiceCollection services)
    {
        services.AddOptions<AuditHttpOptions>().BindConfiguration(AuditHttpOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditHttpOptions>, AuditHttpOptionsValidator>());
        services.TryAddSingleton<IAuditActorResolver, ClaimsAuditActorResolver>();
        services.TryAddSingleton<IAuditOrganizationResolver, DefaultAuditOrganizationResolver>();
        services.TryAddSingleton<UnsupportedMediaTypeMatcher>();
        services.TryAddSingleton<AuditRequestRecorder>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, AuditStartupFilter>());
        DecoratePolicyEvaluator(services);
        services.TryAddSingleton<AuditMvcActionFilter>();
        services.TryAddSingleton<AuditLogViewerVerification>();
        services.TryAddSingleton<AuditLogViewerAccess>();
        services.Configure<MvcOptions>(static mvc =>
        {
            if (!mvc.Filters.OfType<ServiceFilterAttribute>().Any(static filter => filter.ServiceType == typeof(AuditMvcActionFilter)))
            {
                mvc.Filters.AddService<AuditMvcActionFilter>();
            }
        });
    }

    /// <summary>
    /// Wraps the policy evaluator registered so far (ASP.NET Core's, or the application's own) so that the authorization
    /// middleware's and MVC's refusals are noted on the request's event. The authorization result handler is left alone:
    /// the application's own answers refusals whether it was registered before or after <c>AddAuditGen()</c>.
    /// </summary>
    private static void DecoratePolicyEvaluator(IServiceCollection services)
    {
        var inner = services.LastOrDefault(static d => d.ServiceType == typeof(IPolicyEvaluator) && !d.IsKeyedService);
        if (inner is not null)
        {
            services.Remove(inner);
        }

        services.Add(new ServiceDescriptor(typeof(IPolicyEvaluator), AuditPolicyEvaluator.Decorating(inner), inner?.Lifetime ?? ServiceLifetime.Transient));
    }

    internal static string ContentRootPath(IServiceProvider provider, string path)
    {
        var contentRoot = provider.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
        return Path.IsPathRooted(path) ? path : Path.Combine(contentRoot, path);
    }
}
