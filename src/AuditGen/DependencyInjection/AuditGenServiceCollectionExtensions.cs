using System.Diagnostics.Metrics;
using AuditGen.AspNetCore;
using AuditGen.DependencyInjection;
using AuditGen.HealthChecks;
using AuditGen.Pipeline;
using AuditGen.Sinks.Logging;
using AuditGen.Sinks.WorkOs;
using AuditGen.Stores.InMemory;
using AuditGen.Stores.PostgreSql;
using AuditGen.Stores.Sqlite;
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
    /// background store writer and delivery worker, AuditGen's metrics, and the ASP.NET Core hooks
    /// that turn every request to an <c>[Audited]</c> endpoint into an event.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder AddAuditGen(this IServiceCollection services, Action<AuditGenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        var options = services.AddOptions<AuditGenOptions>().BindConfiguration(AuditGenOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditGenOptions>, AuditGenOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new AuditEventQueue(provider.GetRequiredService<IOptions<AuditGenOptions>>().Value.QueueCapacity));
        services.TryAddSingleton(provider => new AuditGenMetrics(provider.GetRequiredService<IMeterFactory>(), provider.GetRequiredService<AuditEventQueue>()));
        services.TryAddSingleton<AuditAppendSignal>();
        services.TryAddSingleton<AuditSinkMonitor>();
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<AuditGenOptions>>().Value;
            return new AuditGen.Events.Validation.AuditEventPreparer(options.OversizedStringValues, options.SchemaVersions);
        });
        services.TryAddSingleton(provider =>
        {
            var spillPath = provider.GetRequiredService<IOptions<AuditGenOptions>>().Value.SpillPath;
            var contentRoot = provider.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
            return new AuditSpillFile(Path.IsPathRooted(spillPath) ? spillPath : Path.Combine(contentRoot, spillPath));
        });
        services.TryAddSingleton<IAuditEventWriter, QueuedAuditEventWriter>();
        services.TryAddSingleton<IAuditLog>(CreateStore);
        services.TryAddSingleton<IAuditStore>(provider => provider.GetRequiredService<IAuditLog>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditStoreWriter>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditDeliveryWorker>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AuditRetentionService>());

        // ASP.NET Core: the outermost middleware and the endpoint hook, added by a startup filter so that
        // the application calls nothing; MVC actions through a global action filter.
        services.TryAddSingleton<IAuditActorResolver, ClaimsAuditActorResolver>();
        services.TryAddSingleton<IAuditOrganizationResolver, DefaultAuditOrganizationResolver>();
        services.TryAddSingleton<AuditRequestRecorder>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IStartupFilter, AuditStartupFilter>());
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditAuthorizationResultHandler>();
        services.TryAddSingleton<AuditMvcActionFilter>();
        services.TryAddSingleton<AuditGen.AspNetCore.Viewer.AuditLogViewerVerification>();
        services.Configure<MvcOptions>(static mvc => mvc.Filters.AddService<AuditMvcActionFilter>());
        return new AuditGenBuilder(services);
    }

    /// <summary>
    /// Keeps events in process memory instead of the embedded SQLite file: for trying AuditGen out and for
    /// tests. Nothing survives a restart, so this is not an audit log for production.
    /// </summary>
    public static IAuditGenBuilder UseInMemoryStore(this IAuditGenBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IAuditLog>();
        builder.Services.Replace(ServiceDescriptor.Singleton<IAuditStore, InMemoryAuditStore>());
        return builder;
    }

    /// <summary>Adds a sink that writes every event as a line of WorkOS JSON to the log category <c>AuditGen.Events</c>.</summary>
    public static IAuditGenBuilder AddLoggingSink(this IAuditGenBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, LoggingAuditSink>());
        return builder;
    }

    /// <summary>
    /// Delivers every event to WorkOS Audit Logs, configured from <c>AuditGen:WorkOs</c> (API key from there or
    /// from <c>WORKOS_API_KEY</c>). Requests go through the <see cref="IHttpClientFactory"/> client named
    /// <c>AuditGen.WorkOs</c>, so handlers and proxies can be added to it.
    /// </summary>
    /// <param name="builder">The AuditGen builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder AddWorkOsSink(this IAuditGenBuilder builder, Action<WorkOsSinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<WorkOsSinkOptions>().BindConfiguration(WorkOsSinkOptions.SectionName).ValidateOnStart();
        options.PostConfigure(static workOs =>
        {
            if (string.IsNullOrWhiteSpace(workOs.ApiKey))
            {
                workOs.ApiKey = Environment.GetEnvironmentVariable(WorkOsSinkOptions.ApiKeyEnvironmentVariable);
            }
        });
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkOsSinkOptions>, WorkOsSinkOptionsValidator>());

        // Polly enforces the per-attempt timeout, so the client's own 100-second timeout is turned off.
        builder.Services.AddHttpClient(WorkOsAuditSink.HttpClientName, static client => client.Timeout = Timeout.InfiniteTimeSpan);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuditSink, WorkOsAuditSink>());
        return builder;
    }

    /// <summary>
    /// Adds a health check named <paramref name="name"/> reporting each sink's backlog, last delivery and whether
    /// delivery is paused (unhealthy while, for example, WorkOS refuses the API key).
    /// </summary>
    /// <param name="builder">The application's health checks.</param>
    /// <param name="name">The check's name (default <c>auditgen</c>).</param>
    /// <param name="tags">Tags for filtering, e.g. <c>ready</c>.</param>
    public static IHealthChecksBuilder AddAuditGen(this IHealthChecksBuilder builder, string name = "auditgen", IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddCheck<AuditGenHealthCheck>(name, failureStatus: null, tags: tags ?? []);
    }

    /// <summary>The PostgreSQL store when its connection string is configured, the embedded SQLite store otherwise.</summary>
    private static IAuditLog CreateStore(IServiceProvider provider)
    {
        var all = provider.GetRequiredService<IOptions<AuditGenOptions>>().Value;
        if (all.PostgreSql is { ConnectionString: { Length: > 0 } connectionString } postgreSql)
        {
            var chainKey = postgreSql.ChainKey is null ? null : Convert.FromBase64String(postgreSql.ChainKey);
            return new PostgreSqlAuditStore(connectionString, postgreSql.Schema, chainKey, provider.GetRequiredService<TimeProvider>());
        }

        var options = all.Sqlite;
        var contentRoot = provider.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
        var path = Path.IsPathRooted(options.Path) ? options.Path : Path.Combine(contentRoot, options.Path);
        var key = options.ChainKey is null ? null : Convert.FromBase64String(options.ChainKey);
        return new SqliteAuditStore(path, key, provider.GetRequiredService<TimeProvider>());
    }
}
