using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.Sqlite;
using AuditGen.Stores.Chain;
using Microsoft.Data.Sqlite;

namespace AuditGen.Tests.Stores;

/// <summary>
/// Writes a log as the chain versions of AuditGen did (SQLite schema 3): one global hash chain over every record and a
/// head row, signed with HMAC when there is a key. The layout is that version's, frozen here as a fixture.
/// </summary>
internal static class LegacyChainLog
{
    public static void Write(string path, IReadOnlyList<AuditEntry> entries, byte[]? chainKey = null, long storedAt = 1_764_000_000_000)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        connection.Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA application_id = 1096107079;
            CREATE TABLE audit_events (sequence INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, organization_id TEXT NOT NULL, action TEXT NOT NULL, occurred_at INTEGER NOT NULL,
                actor_id TEXT NOT NULL, actor_name TEXT, event_json BLOB NOT NULL, adjustments TEXT NOT NULL, rejection TEXT, stored_at INTEGER NOT NULL, hash BLOB NOT NULL,
                target_types TEXT NOT NULL DEFAULT '[]');
            CREATE INDEX ix_audit_events_organization_time ON audit_events (organization_id, occurred_at);
            CREATE INDEX ix_audit_events_stored_at ON audit_events (stored_at);
            CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), sequence INTEGER NOT NULL, hash BLOB NOT NULL, signature BLOB);
            CREATE TABLE audit_checkpoints (id INTEGER PRIMARY KEY, through_sequence INTEGER NOT NULL, through_hash BLOB NOT NULL, purged_count INTEGER NOT NULL, created_at INTEGER NOT NULL, signature BLOB);
            CREATE TABLE audit_sink_cursors (sink TEXT PRIMARY KEY, sequence INTEGER NOT NULL);
            CREATE TABLE audit_dead_letters (id INTEGER PRIMARY KEY, sink TEXT NOT NULL, sequence INTEGER NOT NULL, reason TEXT NOT NULL, dead_lettered_at INTEGER NOT NULL, redrive_requested_at INTEGER);
            CREATE UNIQUE INDEX ux_audit_dead_letters_sink_sequence ON audit_dead_letters (sink, sequence);
            PRAGMA user_version = 3;
            """);

        var previous = AuditChain.Genesis.ToArray();
        long sequence = 0;
        foreach (var entry in entries)
        {
            sequence++;
            var auditEvent = entry.Event;
            var adjustments = string.Join('\n', entry.Adjustments);
            var hash = AuditChain.Hash(sequence, previous, storedAt, auditEvent.Id.ToString(), auditEvent.OrganizationId ?? "", entry.EventJson.Span, adjustments, entry.Rejection);
            using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO audit_events (sequence, event_id, organization_id, action, occurred_at, actor_id, actor_name, event_json, adjustments, rejection, stored_at, hash, target_types)
                VALUES ($sequence, $id, $organization, $action, $occurred, $actor, $name, $json, $adjustments, $rejection, $stored, $hash, $types)
                """;
            insert.Parameters.AddWithValue("$sequence", sequence);
            insert.Parameters.AddWithValue("$id", auditEvent.Id.ToString());
            insert.Parameters.AddWithValue("$organization", auditEvent.OrganizationId ?? "");
            insert.Parameters.AddWithValue("$action", auditEvent.Action ?? "");
            insert.Parameters.AddWithValue("$occurred", auditEvent.OccurredAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$actor", auditEvent.Actor?.Id ?? "");
            insert.Parameters.AddWithValue("$name", (object?)auditEvent.Actor?.Name ?? DBNull.Value);
            insert.Parameters.AddWithValue("$json", entry.EventJson.ToArray());
            insert.Parameters.AddWithValue("$adjustments", adjustments);
            insert.Parameters.AddWithValue("$rejection", (object?)entry.Rejection ?? DBNull.Value);
            insert.Parameters.AddWithValue("$stored", storedAt);
            insert.Parameters.AddWithValue("$hash", hash);
            insert.Parameters.AddWithValue("$types", SqliteTargetTypes.Write(FilterColumns.TargetTypes(auditEvent.Targets)));
            insert.ExecuteNonQuery();
            previous = hash;
        }

        using var head = connection.CreateCommand();
        head.CommandText = "INSERT INTO audit_head (id, sequence, hash, signature) VALUES (1, $sequence, $hash, $signature)";
        head.Parameters.AddWithValue("$sequence", sequence);
        head.Parameters.AddWithValue("$hash", previous);
        head.Parameters.AddWithValue("$signature", (object?)new AuditChainSigner(chainKey).SignHead(sequence, previous) ?? DBNull.Value);
        head.ExecuteNonQuery();
    }
}
