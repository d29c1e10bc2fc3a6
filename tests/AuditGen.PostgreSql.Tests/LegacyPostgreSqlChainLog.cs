using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.Chain;
using AuditGen.Tests.Processes;
using Npgsql;
using NpgsqlTypes;

namespace AuditGen.PostgreSql.Tests;

/// <summary>
/// Writes a log as the chain versions of AuditGen did (PostgreSQL schema 2): one global hash chain over every record and
/// a head row, signed with HMAC when there is a key. The layout is that version's, frozen here as a fixture.
/// </summary>
internal static class LegacyPostgreSqlChainLog
{
    public static async Task WriteAsync(PostgresServer server, string schema, IReadOnlyList<AuditEntry> entries, byte[]? chainKey = null, long storedAt = 1_764_000_000_000)
    {
        await server.ExecuteAsync(schema, $"""
            CREATE SCHEMA {schema};
            CREATE TABLE audit_schema_version (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL);
            INSERT INTO audit_schema_version VALUES (1, 2);
            CREATE TABLE audit_events (sequence bigint PRIMARY KEY, event_id uuid NOT NULL UNIQUE, organization_id text NOT NULL, action text NOT NULL,
                occurred_at bigint NOT NULL, actor_id text NOT NULL, actor_name text, event_json bytea NOT NULL, adjustments text NOT NULL, rejection text,
                stored_at bigint NOT NULL, hash bytea NOT NULL, target_types text[] NOT NULL DEFAULT '{"{}"}');
            CREATE INDEX ix_audit_events_organization_time ON audit_events (organization_id, occurred_at);
            CREATE INDEX ix_audit_events_stored_at ON audit_events (stored_at);
            CREATE TABLE audit_head (id integer PRIMARY KEY CHECK (id = 1), sequence bigint NOT NULL, hash bytea NOT NULL, signature bytea);
            CREATE TABLE audit_checkpoints (id bigserial PRIMARY KEY, through_sequence bigint NOT NULL, through_hash bytea NOT NULL, purged_count bigint NOT NULL, created_at bigint NOT NULL, signature bytea);
            CREATE TABLE audit_sink_cursors (sink text PRIMARY KEY, sequence bigint NOT NULL);
            CREATE TABLE audit_dead_letters (id bigserial PRIMARY KEY, sink text NOT NULL, sequence bigint NOT NULL, reason text NOT NULL, dead_lettered_at bigint NOT NULL,
                redrive_requested_at bigint, UNIQUE (sink, sequence));
            """);

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        var previous = AuditChain.Genesis.ToArray();
        long sequence = 0;
        foreach (var entry in entries)
        {
            sequence++;
            var auditEvent = entry.Event;
            var adjustments = string.Join('\n', entry.Adjustments);
            var hash = AuditChain.Hash(sequence, previous, storedAt, auditEvent.Id.ToString(), auditEvent.OrganizationId ?? "", entry.EventJson.Span, adjustments, entry.Rejection);
            await using var insert = new NpgsqlCommand(
                $"""
                INSERT INTO {schema}.audit_events (sequence, event_id, organization_id, action, occurred_at, actor_id, actor_name, event_json, adjustments, rejection, stored_at, hash, target_types)
                VALUES (@sequence, @id, @organization, @action, @occurred, @actor, @name, @json, @adjustments, @rejection, @stored, @hash, @types)
                """,
                connection);
            insert.Parameters.AddWithValue("sequence", sequence);
            insert.Parameters.AddWithValue("id", auditEvent.Id.Value);
            insert.Parameters.AddWithValue("organization", auditEvent.OrganizationId ?? "");
            insert.Parameters.AddWithValue("action", auditEvent.Action ?? "");
            insert.Parameters.AddWithValue("occurred", auditEvent.OccurredAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("actor", auditEvent.Actor?.Id ?? "");
            insert.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = (object?)auditEvent.Actor?.Name ?? DBNull.Value });
            insert.Parameters.AddWithValue("json", entry.EventJson.ToArray());
            insert.Parameters.AddWithValue("adjustments", adjustments);
            insert.Parameters.Add(new NpgsqlParameter("rejection", NpgsqlDbType.Text) { Value = (object?)entry.Rejection ?? DBNull.Value });
            insert.Parameters.AddWithValue("stored", storedAt);
            insert.Parameters.AddWithValue("hash", hash);
            insert.Parameters.AddWithValue("types", FilterColumns.TargetTypes(auditEvent.Targets).ToArray());
            await insert.ExecuteNonQueryAsync();
            previous = hash;
        }

        await using var head = new NpgsqlCommand($"INSERT INTO {schema}.audit_head (id, sequence, hash, signature) VALUES (1, @sequence, @hash, @signature)", connection);
        head.Parameters.AddWithValue("sequence", sequence);
        head.Parameters.AddWithValue("hash", previous);
        head.Parameters.Add(new NpgsqlParameter("signature", NpgsqlDbType.Bytea) { Value = (object?)new AuditChainSigner(chainKey).SignHead(sequence, previous) ?? DBNull.Value });
        await head.ExecuteNonQueryAsync();
    }
}
