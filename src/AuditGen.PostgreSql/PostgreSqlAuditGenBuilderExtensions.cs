using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores;
using AuditGen.Stores.Chain;
using AuditGen.Stores.PostgreSql;
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
        var options = builder.Services.AddOptions<PostgreSqlAuditStoreOptions>();
        if (!builder.Services.Any(static d => d.ImplementationType == typeof(PostgreSqlAuditStoreOptionsValidator)))
        {
            options.BindConfiguration(PostgreSqlAuditStoreOptions.SectionName).ValidateOnStart();
            builder.Services.AddSingleton<IValidateOptions<PostgreSqlAuditStoreOptions>, PostgreSqlAuditStoreOptionsValidator>();
        }

        if (configure is not null)
        {
            options.Configure(configure);
        }

        AuditGenBuilderExtensions.UseStore(builder, new AuditStoreSelection(AuditStoreSelection.PostgreSql, ChosenExplicitly: true), static provider =>
        {
            var options = provider.GetRequiredService<IOptions<PostgreSqlAuditStoreOptions>>().Value;
            return new PostgreSqlAuditStore(
                options.ConnectionString!,
                options.Schema,
                AuditChainSigner.DecodeKey(options.ChainKey),
                provider.GetRequiredService<TimeProvider>(),
                LedgerSigning.Settings(provider.GetRequiredService<IOptions<AuditLedgerOptions>>().Value));
        });
        return builder;
    }
}
