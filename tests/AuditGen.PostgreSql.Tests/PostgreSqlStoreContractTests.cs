using AuditGen.Tests.Processes;
using AuditGen.Pipeline;
using AuditGen.Stores.PostgreSql;
using AuditGen.Tests.Contracts;
using Npgsql;

namespace AuditGen.PostgreSql.Tests;

/// <summary>The store contract on PostgreSQL, each test in a schema of its own on the real server.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgreSqlStoreContractTests(PostgresServer server) : AuditStoreContract
{
    private readonly string _schema = PostgresServer.NewSchema();

    private protected override IReadableAuditStore OpenStore(byte[]? chainKey = null) => 
        new PostgreSqlAuditStore(server.ConnectionString, _schema, chainKey, TimeProvider.System, LedgerKeys.SettingsFor(chainKey));

    protected override Task TamperAsync(string sql) => server.ExecuteAsync(_schema, sql);

    protected override async Task<string[]> LogTablesAsync()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = @schema AND tablename NOT IN ('ledger_batches', 'audit_schema_version') ORDER BY tablename COLLATE \"C\"", connection);
        command.Parameters.AddWithValue("schema", _schema);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return [.. tables];
    }
}
