using AuditGen.Tests.Processes;
using AuditGen.Pipeline;
using AuditGen.Stores.PostgreSql;
using AuditGen.Tests.Contracts;

namespace AuditGen.PostgreSql.Tests;

/// <summary>The store contract on PostgreSQL, each test in a schema of its own on the real server.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgreSqlStoreContractTests(PostgresServer server) : AuditStoreContract
{
    private readonly string _schema = PostgresServer.NewSchema();

    private protected override IReadableAuditStore OpenStore(byte[]? chainKey = null) => 
        new PostgreSqlAuditStore(server.ConnectionString, _schema, chainKey, TimeProvider.System, LedgerKeys.SettingsFor(chainKey));

    protected override Task TamperAsync(string sql) => server.ExecuteAsync(_schema, sql);
}
