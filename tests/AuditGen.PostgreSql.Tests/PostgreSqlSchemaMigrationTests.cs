using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Pipeline;
using AuditGen.Tests.Processes;
using AuditGen.Stores.PostgreSql;

namespace AuditGen.PostgreSql.Tests;

/// <summary>A log written by an earlier schema version is migrated in place on the real server.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class PostgreSqlSchemaMigrationTests(PostgresServer server)
{
    private readonly string _schema = PostgresServer.NewSchema();

    [Fact]
    public async Task A_version_1_log_keeps_its_target_types_through_the_migration_and_still_verifies()
    {
        using (var store = Open())
        {
            await store.AppendAsync([Entry("team"), Entry("invoice"), Entry("team", "user")], CancellationToken.None);
        }

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

    private PostgreSqlAuditStore Open() => new(server.ConnectionString, _schema, null, TimeProvider.System);

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
