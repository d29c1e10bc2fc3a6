using AuditGen.Pipeline;
using AuditGen.Stores.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses PostgreSQL as AuditGen's store.</summary>
public static class PostgreSqlAuditGenBuilderExtensions
{
    /// <summary>
    /// Stores the audit log in PostgreSQL, configured from <c>AuditGen:PostgreSql</c>, in place of the embedded SQLite
    /// file: for several application instances that share one log. The schema is created or migrated at start-up.
    /// </summary>
    /// <param name="builder">The AuditGen builder.</param>
    /// <param name="configure">Changes applied after configuration is bound.</param>
    public static IAuditGenBuilder UsePostgreSql(this IAuditGenBuilder builder, Action<PostgreSqlAuditStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<PostgreSqlAuditStoreOptions>().BindConfiguration(PostgreSqlAuditStoreOptions.SectionName).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlAuditStoreOptions>, PostgreSqlAuditStoreOptionsValidator>());
        AuditGenBuilderExtensions.UseStore(builder, new AuditStoreSelection("PostgreSQL"), static provider =>
        {
            var options = provider.GetRequiredService<IOptions<PostgreSqlAuditStoreOptions>>().Value;
            var chainKey = options.ChainKey is null ? null : Convert.FromBase64String(options.ChainKey);
            return new PostgreSqlAuditStore(options.ConnectionString!, options.Schema, chainKey, provider.GetRequiredService<TimeProvider>());
        });
        return builder;
    }
}
