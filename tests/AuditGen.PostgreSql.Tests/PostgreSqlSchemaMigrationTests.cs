using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.PostgreSql;
using AuditGen.Tests.Processes;
using Npgsql;

namespace AuditGen.PostgreSql.Tests;

/// <summary>A log written by an earlier schema version is migrated in place on the real server.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgreSqlSchemaMigrationTests(PostgresServer server)
{
    private static readonly byte[] s_chainKey = Enumerable.Range(1, 32).Select(static i => (byte)i).ToArray();

    private readonly string _schema = PostgresServer.NewSchema();

    [Fact]
    public async Task A_version_1_log_keeps_its_target_types_through_the_migration_and_still_verifies()
    {
        await LegacyPostgreSqlChainLog.WriteAsync(server, _schema, [Entry("team"), Entry("invoice"), Entry("team", "user")]);

        // The same records as version 1 laid them out: target types in their own table, one index per filter column.
        await server.ExecuteAsync(_schema, """
            CREATE TABLE audit_event_targets (type text NOT NULL, sequence bigint NOT NULL, PRIMARY KEY (type, sequence));
            CREATE INDEX ix_audit_event_targets_sequence ON audit_event_targets (sequence);
            INSERT INTO audit_event_targets (type, sequence) SELECT unnest(target_types), sequence FROM audit_events;
            ALTER TABLE audit_events DROP COLUMN target_types;
            CREATE INDEX ix_audit_events_action ON audit_events (action);
            CREATE INDEX ix_audit_events_actor_id ON audit_events (actor_id);
            CREATE INDEX ix_audit_events_actor_name ON audit_events (actor_name);
            CREATE INDEX ix_audit_events_occurred_at ON audit_events (occurred_at);
            UPDATE audit_schema_version SET version = 1;
            """);

        using var migrated = Open();
        var teams = await SequencesAsync(migrated, new AuditQuery { TargetTypes = ["team"] });
        Assert.Equal([1L, 3], teams);
        var invoicesOrUsers = await SequencesAsync(migrated, new AuditQuery { TargetTypes = ["invoice", "user"] });
        Assert.Equal([2L, 3], invoicesOrUsers);
        var verification = await migrated.VerifyAsync(CancellationToken.None);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(3, verification.RecordsChecked);

        // The moved column is still checked against the hashed JSON.
        await server.ExecuteAsync(_schema, "UPDATE audit_events SET target_types = '{invoice}' WHERE sequence = 3");
        var tampered = await migrated.VerifyAsync(CancellationToken.None);
        Assert.Equal(3, tampered.FirstBrokenSequence);
        Assert.Contains("'target_types'", tampered.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chain_written_by_the_previous_version_is_sealed_under_the_ledger_and_both_parts_verify()
    {
        await LegacyPostgreSqlChainLog.WriteAsync(server, _schema, [Entry("team"), Entry("team"), Entry("team"), Entry("team")], s_chainKey);

        using var store = Open(s_chainKey);
        await store.AppendAsync([Entry("team"), Entry("user")], CancellationToken.None);
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(6, verification.RecordsChecked);
        var sequences = await SequencesAsync(store, new AuditQuery());
        Assert.Equal([1L, 2, 3, 4, 5, 6], sequences);
        Assert.Contains("\nsealed-chain 4 ", await LatestCheckpointAsync(), StringComparison.Ordinal);

        await server.ExecuteAsync(_schema, "UPDATE audit_events SET action = 'team.deleted' WHERE sequence = 2");
        var broken = await store.VerifyAsync(CancellationToken.None);
        Assert.Equal(2, broken.FirstBrokenSequence);
        Assert.StartsWith("in the chain sealed under the ledger:", broken.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sealed_chain_whose_head_was_moved_back_fails_its_signature_and_purge_refuses_it()
    {
        await LegacyPostgreSqlChainLog.WriteAsync(server, _schema, [Entry("team"), Entry("team"), Entry("team"), Entry("team"), Entry("team")], s_chainKey);
        using (var store = Open(s_chainKey))
        {
            Assert.True((await store.VerifyAsync(CancellationToken.None)).IsIntact);
        }

        // Cut the chain's tail and move its head back, as someone hiding the last records would; without the key the signature cannot follow.
        await server.ExecuteAsync(_schema, "DELETE FROM audit_events WHERE sequence > 3; UPDATE audit_head SET sequence = 3, hash = (SELECT hash FROM audit_events WHERE sequence = 3)");
        using var reopened = Open(s_chainKey);
        var verification = await reopened.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Contains("signature", verification.Problem, StringComparison.Ordinal);
        var purge = await Assert.ThrowsAsync<AuditStoreException>(() => reopened.PurgeAsync(DateTimeOffset.UtcNow, CancellationToken.None));
        Assert.Contains("nothing was purged", purge.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purging_across_the_seal_leaves_both_parts_verifiable()
    {
        await LegacyPostgreSqlChainLog.WriteAsync(server, _schema, [Entry("team"), Entry("team"), Entry("team")], s_chainKey);
        using var store = Open(s_chainKey);
        await store.AppendAsync([Entry("team"), Entry("user"), Entry("user")], CancellationToken.None);
        await store.SetSinkCursorAsync("workos", 4, CancellationToken.None);

        var purge = await store.PurgeAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.Equal((4L, 4L), (purge.PurgedCount, purge.ThroughSequence));
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal((4L, 2L), (verification.CheckpointSequence, verification.RecordsChecked));
        var sequences = await SequencesAsync(store, new AuditQuery());
        Assert.Equal([5L, 6], sequences);
    }

    [Fact]
    public async Task Tools_never_migrate_and_after_the_migration_an_instance_of_the_previous_version_cannot_append()
    {
        await LegacyPostgreSqlChainLog.WriteAsync(server, _schema, [Entry("team")]);
        using (var tool = new PostgreSqlAuditStore(server.ConnectionString, _schema, null, TimeProvider.System, migrate: false))
        {
            var refused = await Assert.ThrowsAsync<AuditStoreException>(() => tool.CountAsync(new AuditQuery(), CancellationToken.None));
            Assert.Contains("has audit schema version 2", refused.Message, StringComparison.Ordinal);
            Assert.Contains("Upgrade the application first", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(2, await ScalarAsync("SELECT version FROM audit_schema_version"));
        using var store = Open();
        await store.AppendAsync([Entry("team")], CancellationToken.None);
        Assert.Equal(2, await store.CountAsync(new AuditQuery(), CancellationToken.None));

        // What an append of a version-2 instance still running does: a record with the next sequence, outside the ledger.
        var old = await Assert.ThrowsAsync<PostgresException>(() => server.ExecuteAsync(_schema, """
            INSERT INTO audit_events (sequence, event_id, organization_id, action, occurred_at, actor_id, event_json, adjustments, stored_at, hash)
            VALUES (3, gen_random_uuid(), 'org_1', 'team.renamed', 0, 'user_1', '\x7b7d', '', 0, '\x00')
            """));
        Assert.Contains("upgrade this instance of AuditGen", old.MessageText, StringComparison.Ordinal);

        await store.AppendAsync([Entry("team")], CancellationToken.None);
        var verification = await store.VerifyAsync(CancellationToken.None);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(3, verification.RecordsChecked);
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SET search_path TO {_schema}; {sql}", connection);
        return await command.ExecuteScalarAsync();
    }

    private PostgreSqlAuditStore Open(byte[]? chainKey = null) =>
        new(server.ConnectionString, _schema, chainKey, TimeProvider.System, LedgerSettings.Unsigned with { CheckpointInterval = TimeSpan.Zero });

    private async Task<string> LatestCheckpointAsync()
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT note FROM {_schema}.ledger_checkpoints ORDER BY id DESC LIMIT 1", connection);
        return ((string)(await command.ExecuteScalarAsync())!).ReplaceLineEndings("\n");
    }

    private static async Task<long[]> SequencesAsync(PostgreSqlAuditStore store, AuditQuery query) =>
        await store.QueryAsync(query, CancellationToken.None).Select(entry => entry.Sequence).ToArrayAsync();

    private static AuditEntry Entry(params string[] targetTypes)
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = "org_1",
            Action = "team.renamed",
            OccurredAt = DateTimeOffset.UtcNow,
            Actor = new AuditActor { Type = "user", Id = "user_1" },
            Targets = targetTypes.Select(type => new AuditTarget { Type = type, Id = $"{type}_1" }).ToArray(),
            Context = new AuditContext { Location = "127.0.0.1" },
        };
        return new AuditEntry(auditEvent, WorkOsJson.SerializeEvent(auditEvent), [], null);
    }
}
