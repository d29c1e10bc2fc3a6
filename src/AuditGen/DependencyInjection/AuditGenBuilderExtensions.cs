using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores;
using AuditGen.Sinks.Logging;
using AuditGen.Sinks.WorkOs;
using AuditGen.Stores.Chain;
using AuditGen.Stores.InMemory;
using AuditGen.Stores.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses AuditGen's store and adds its sinks.</summary>
public static class AuditGenBuilderExtensions
{
    /// <summary>
    /// Stores the audit log in an embedded SQLite file, configured from <c>AuditGen:Sqlite</c>. This is the default:
    /// call it to configure the store in code, or to choose it again over another store.
    /// </summary>
    /// <param name="builder">The AuditGen builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder UseSqlite(this IAuditGenBuilder builder, Action<SqliteAuditStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddSqliteStore(builder, replace: true);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder;
    }

    /// <summary>
    /// Keeps events in process memory instead of the embedded SQLite file: for trying AuditGen out and for
    /// tests. Nothing survives a restart, so this is not an audit log for production.
    /// </summary>
    public static IAuditGenBuilder UseInMemoryStore(this IAuditGenBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        RemoveStore(services);
        services.AddSingleton(new AuditStoreSelection(AuditStoreSelection.InMemory, ChosenExplicitly: true));
        services.AddSingleton<IAuditStore, InMemoryAuditStore>();
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
    /// The SQLite store, as <see cref="UseSqlite"/> chooses it, or as <c>AddAuditGen</c> registers it when no store is
    /// chosen yet.
    /// </summary>
    internal static void AddSqliteStore(IAuditGenBuilder builder, bool replace)
    {
        var services = builder.Services;
        if (!services.Any(static d => d.ImplementationType == typeof(SqliteAuditStoreOptionsValidator)))
        {
            services.AddOptions<SqliteAuditStoreOptions>().BindConfiguration(SqliteAuditStoreOptions.SectionName).ValidateOnStart();
            services.AddSingleton<IValidateOptions<SqliteAuditStoreOptions>, SqliteAuditStoreOptionsValidator>();
        }

        if (replace || !services.Any(static d => d.ServiceType == typeof(AuditStoreSelection)))
        {
            UseStore(builder, replace ? new AuditStoreSelection(AuditStoreSelection.Sqlite, ChosenExplicitly: true) : AuditStoreSelection.SqliteByDefault, CreateSqliteStore);
        }
    }

    /// <summary>Makes <paramref name="createStore"/>'s store the one AuditGen writes to and reads from, in place of any other.</summary>
    internal static void UseStore<TStore>(IAuditGenBuilder builder, AuditStoreSelection selection, Func<IServiceProvider, TStore> createStore)
        where TStore : class, IReadableAuditStore
    {
        var services = builder.Services;
        RemoveStore(services);
        services.AddSingleton(selection);
        services.AddSingleton<IAuditStore>(createStore);
        services.AddSingleton(static provider => (IAuditLog)provider.GetRequiredService<IAuditStore>());
    }

    private static void RemoveStore(IServiceCollection services)
    {
        services.RemoveAll<AuditStoreSelection>();
        services.RemoveAll<IAuditLog>();
        services.RemoveAll<IAuditStore>();
    }

    private static SqliteAuditStore CreateSqliteStore(IServiceProvider provider)
    {
        var options = provider.GetRequiredService<IOptions<SqliteAuditStoreOptions>>().Value;
        return new SqliteAuditStore(
            AuditGenServiceCollectionExtensions.ContentRootPath(provider, options.Path),
            AuditChainSigner.DecodeKey(options.ChainKey),
            provider.GetRequiredService<TimeProvider>(),
            ledger: LedgerSigning.Settings(provider.GetRequiredService<IOptions<AuditLedgerOptions>>().Value));
    }
}
