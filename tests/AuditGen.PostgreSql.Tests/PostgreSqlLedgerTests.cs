using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores;
using AuditGen.Stores.PostgreSql;
using AuditGen.Tests.Processes;
using Npgsql;
using NpgsqlTypes;

namespace AuditGen.PostgreSql.Tests;

/// <summary>What the ledger promises on PostgreSQL beyond the shared store contract: several writers, one feed.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgreSqlLedgerTests(PostgresServer server)
{
    private readonly string _schema = PostgresServer.NewSchema();

    [Fact]
    public async Task A_batch_committed_late_under_a_smaller_id_is_delivered_after_what_a_sink_already_read_and_nothing_is_skipped()
    {
        using var store = Open();
        await store.CountAsync(new AuditQuery(), CancellationToken.None);

        // Another instance's append takes its batch id first but commits last, as a slow transaction would.
        var late = Enumerable.Range(0, 3).Select(_ => Entry("org_late")).ToArray();
        await using var slowWriter = new NpgsqlConnection(server.ConnectionString);
        await slowWriter.OpenAsync();
        await using var slowTransaction = await slowWriter.BeginTransactionAsync();
        await InsertBatchAsync(slowWriter, late);

        var early = Enumerable.Range(0, 2).Select(_ => Entry("org_early")).ToArray();
        await store.AppendAsync(early, CancellationToken.None);
        var firstRead = await store.ReadAfterAsync(0, 100, CancellationToken.None);
        Assert.Equal(early.Select(e => e.Event.Id), firstRead.Select(e => e.EventId));
        await store.SetSinkCursorAsync("workos", firstRead[^1].Sequence, CancellationToken.None);

        await slowTransaction.CommitAsync();
        var cursor = await store.GetSinkCursorAsync("workos", CancellationToken.None);
        var secondRead = await store.ReadAfterAsync(cursor, 100, CancellationToken.None);

        Assert.Equal(late.Select(e => e.Event.Id), secondRead.Select(e => e.EventId));
        Assert.Equal([3L, 4, 5], secondRead.Select(e => e.Sequence));
        var verification = await store.VerifyAsync(CancellationToken.None);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(5, verification.RecordsChecked);
    }

    [Fact]
    public async Task A_round_that_fails_rolls_back_whole_and_leaves_its_batches_for_the_next()
    {
        using var store = Open();
        await store.AppendAsync([Entry("org_1")], CancellationToken.None);
        Assert.Equal(1, await store.CountAsync(new AuditQuery(), CancellationToken.None));

        // The round's last write fails, as a full disk or a lost connection would make it.
        await server.ExecuteAsync(_schema, """
            CREATE FUNCTION fail_rounds() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$;
            CREATE TRIGGER fail_rounds BEFORE UPDATE ON ledger_state FOR EACH ROW EXECUTE FUNCTION fail_rounds();
            """);
        await store.AppendAsync([Entry("org_1"), Entry("org_2")], CancellationToken.None);
        await Assert.ThrowsAsync<AuditStoreException>(() => store.CountAsync(new AuditQuery(), CancellationToken.None));
        await server.ExecuteAsync(_schema, "DROP TRIGGER fail_rounds ON ledger_state;");

        Assert.Equal([1L, 2, 3], (await store.ReadAfterAsync(0, 10, CancellationToken.None)).Select(e => e.Sequence));
        var verification = await store.VerifyAsync(CancellationToken.None);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(0L, await ScalarAsync("SELECT count(*) FROM ledger_batches"));
    }

    [Fact]
    public async Task With_a_signing_key_a_checkpoint_forged_without_it_is_caught()
    {
        var settings = LedgerKeysFor("auditgen.test/pg");
        using (var store = Open(settings))
        {
            await store.AppendAsync([Entry("org_1"), Entry("org_1")], CancellationToken.None);
            Assert.True((await store.VerifyAsync(CancellationToken.None)).IsIntact);
        }

        // A checkpoint signed by another key, as someone without the log's key would have to make.
        var forger = LedgerKeysFor("auditgen.test/pg");
        using (var forged = Open(forger))
        {
            await forged.AppendAsync([Entry("org_1")], CancellationToken.None);
        }

        using var reopened = Open(settings);
        var verification = await reopened.VerifyAsync(CancellationToken.None);
        Assert.False(verification.IsIntact);
        Assert.Contains("signature does not verify", verification.Problem, StringComparison.Ordinal);
    }

    private PostgreSqlAuditStore Open(LedgerSettings? settings = null) =>
        new(server.ConnectionString, _schema, null, TimeProvider.System, settings ?? LedgerSettings.Unsigned with { CheckpointInterval = TimeSpan.Zero });

    private static LedgerSettings LedgerKeysFor(string name) => LedgerSettings.SignedWith(NoteSigner.Generate(name), TimeSpan.Zero);

    private async Task InsertBatchAsync(NpgsqlConnection connection, AuditEntry[] entries)
    {
        var (batch, length) = LedgerBatch.EncodeRented(entries.Select(LedgerEntries.From).ToList());
        await using var insert = new NpgsqlCommand($"INSERT INTO {_schema}.ledger_batches (sequenced_at, entries) VALUES (@at, @entries)", connection);
        insert.Parameters.AddWithValue("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        insert.Parameters.Add(new NpgsqlParameter("entries", NpgsqlDbType.Bytea) { Value = batch[..length] });
        await insert.ExecuteNonQueryAsync();
        LedgerBatch.Return(batch);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO {_schema}; {sql}", connection);
        return await command.ExecuteScalarAsync();
    }

    private static AuditEntry Entry(string organization)
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = organization,
            Action = "team.renamed",
            Actor = new AuditActor { Type = "user", Id = "user_1" },
            Targets = [new AuditTarget { Type = "team", Id = "team_1" }],
            Context = new AuditContext { Location = "127.0.0.1" },
        };
        return new AuditEntry(auditEvent, WorkOsJson.SerializeEvent(auditEvent), [], null);
    }
}
