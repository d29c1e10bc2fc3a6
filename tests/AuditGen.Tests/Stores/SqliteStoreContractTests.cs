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

    public void Dispose() => _database.Dispose();
}
