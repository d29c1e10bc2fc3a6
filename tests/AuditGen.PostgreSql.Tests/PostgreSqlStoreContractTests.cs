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

    private protected override IReadableAuditStore OpenStore(byte[]? chainKey = null) => new PostgreSqlAuditStore(server.ConnectionString, _schema, chainKey, TimeProvider.System);

    protected override Task TamperAsync(string sql) => server.ExecuteAsync(_schema, sql);

    // The chain this store still keeps (the SQLite store has moved to the ledger): its signed head.
    [Fact]
    public async Task With_a_key_a_forged_head_is_detected_and_nothing_is_appended_to_it()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();
        var store = OpenStore(key);
        await store.AppendAsync(Entries(5), CancellationToken.None);

        // Cut the tail and move the head back, as someone hiding the last records would; without the key the signature cannot follow.
        await TamperAsync("DELETE FROM audit_events WHERE sequence > 3; UPDATE audit_head SET sequence = 3, hash = (SELECT hash FROM audit_events WHERE sequence = 3)");
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Contains("signature", verification.Problem, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AuditStoreException>(() => store.AppendAsync(Entries(1), CancellationToken.None).AsTask());
        (store as IDisposable)?.Dispose();
    }
}
