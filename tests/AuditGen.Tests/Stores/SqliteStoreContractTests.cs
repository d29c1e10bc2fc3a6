using AuditGen.Pipeline;
using AuditGen.Tests.Contracts;

namespace AuditGen.Tests.Stores;

/// <summary>The store contract on the embedded SQLite store, each test on a fresh file.</summary>
public sealed class SqliteStoreContractTests : AuditStoreContract, IDisposable
{
    private readonly TempDatabase _database = new();

    private protected override IReadableAuditStore OpenStore(byte[]? chainKey = null) => _database.Open(chainKey);

    protected override Task TamperAsync(string sql)
    {
        using var connection = _database.Tamper();
        connection.Execute(sql);
        return Task.CompletedTask;
    }

    protected override Task<string[]> LogTablesAsync()
    {
        using var connection = _database.Tamper();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        using var reader = command.ExecuteReader();
        var tables = new List<string>();
        while (reader.Read())
        {
            tables.Add(reader.GetString(0));
        }

        return Task.FromResult(tables.ToArray());
    }

    public void Dispose() => _database.Dispose();
}
