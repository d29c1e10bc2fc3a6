using AuditGen.Pipeline;
using Microsoft.Data.Sqlite;

namespace AuditGen.Stores.Sqlite;

/// <summary>
/// The database's versioned schema. <c>PRAGMA application_id</c> marks the file as AuditGen's and
/// <c>PRAGMA user_version</c> holds the schema version; migrations run once, in one transaction,
/// even when several processes open the file together.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>"AUDG".</summary>
    public const long ApplicationId = 0x41554447;

    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE audit_events (
            sequence        INTEGER PRIMARY KEY,
            event_id        TEXT    NOT NULL UNIQUE,
            organization_id TEXT    NOT NULL,
            action          TEXT    NOT NULL,
            occurred_at     INTEGER NOT NULL,
            actor_id        TEXT    NOT NULL,
            actor_name      TEXT,
            event_json      BLOB    NOT NULL,
            adjustments     TEXT    NOT NULL,
            rejection       TEXT,
            stored_at       INTEGER NOT NULL,
            hash            BLOB    NOT NULL
        );
        CREATE INDEX ix_audit_events_organization_time ON audit_events (organization_id, occurred_at);
        CREATE INDEX ix_audit_events_action ON audit_events (action);
        CREATE INDEX ix_audit_events_actor_id ON audit_events (actor_id);
        CREATE INDEX ix_audit_events_actor_name ON audit_events (actor_name);
        CREATE INDEX ix_audit_events_occurred_at ON audit_events (occurred_at);
        CREATE INDEX ix_audit_events_stored_at ON audit_events (stored_at);
        CREATE TABLE audit_event_targets (
            type     TEXT    NOT NULL,
            sequence INTEGER NOT NULL,
            PRIMARY KEY (type, sequence)
        ) WITHOUT ROWID;
        CREATE TABLE audit_head (
            id        INTEGER PRIMARY KEY CHECK (id = 1),
            sequence  INTEGER NOT NULL,
            hash      BLOB    NOT NULL,
            signature BLOB
        );
        CREATE TABLE audit_checkpoints (
            id               INTEGER PRIMARY KEY,
            through_sequence INTEGER NOT NULL,
            through_hash     BLOB    NOT NULL,
            purged_count     INTEGER NOT NULL,
            created_at       INTEGER NOT NULL,
            signature        BLOB
        );
        CREATE TABLE audit_sink_cursors (
            sink     TEXT    PRIMARY KEY,
            sequence INTEGER NOT NULL
        );
        CREATE TABLE audit_dead_letters (
            id               INTEGER PRIMARY KEY,
            sink             TEXT    NOT NULL,
            sequence         INTEGER NOT NULL,
            reason           TEXT    NOT NULL,
            dead_lettered_at INTEGER NOT NULL
        );
        """,
        """
        ALTER TABLE audit_dead_letters ADD COLUMN redrive_requested_at INTEGER;
        DELETE FROM audit_dead_letters WHERE id NOT IN (SELECT max(id) FROM audit_dead_letters GROUP BY sink, sequence);
        CREATE UNIQUE INDEX ux_audit_dead_letters_sink_sequence ON audit_dead_letters (sink, sequence);
        """,
        // Each index and each target row cost the writer about as much as the row itself. A WorkOS export always names an
        // organization, and the viewer always does (from the user's claim), so one (organization_id, occurred_at) index
        // finds their rows and the other filters (action, actor, target type) are checked on them; a query without an
        // organization (the CLI allows it) reads the table. The target types move into a JSON array column.
        """
        ALTER TABLE audit_events ADD COLUMN target_types TEXT NOT NULL DEFAULT '[]';
        UPDATE audit_events
        SET target_types = (SELECT json_group_array(type) FROM (SELECT t.type FROM audit_event_targets t WHERE t.sequence = audit_events.sequence ORDER BY t.type))
        WHERE sequence IN (SELECT sequence FROM audit_event_targets);
        DROP TABLE audit_event_targets;
        DROP INDEX ix_audit_events_action;
        DROP INDEX ix_audit_events_actor_id;
        DROP INDEX ix_audit_events_actor_name;
        DROP INDEX ix_audit_events_occurred_at;
        """,
        // The ledger (docs/ledger.md). Records stay in audit_events, whose sequence is now the feed position; ledger
        // records have an index in their organization's log and keep their leaf hash in the hash column. Rows written
        // before have no index: they are the chain this version seals, its head kept in ledger_state.
        """
        ALTER TABLE audit_events ADD COLUMN partition_index INTEGER;
        CREATE UNIQUE INDEX ux_audit_events_partition ON audit_events (organization_id, partition_index) WHERE partition_index IS NOT NULL;
        CREATE TABLE ledger_trees (
            id                INTEGER PRIMARY KEY AUTOINCREMENT,
            partition         TEXT    NOT NULL UNIQUE,
            size              INTEGER NOT NULL,
            edge              BLOB    NOT NULL,
            purged_through    INTEGER NOT NULL,
            checkpointed_size INTEGER NOT NULL
        );
        CREATE INDEX ix_ledger_trees_uncheckpointed ON ledger_trees (id) WHERE size <> checkpointed_size;
        CREATE TABLE ledger_nodes (
            tree_id    INTEGER NOT NULL,
            level      INTEGER NOT NULL,
            node_index INTEGER NOT NULL,
            hash       BLOB    NOT NULL,
            PRIMARY KEY (tree_id, level, node_index)
        ) WITHOUT ROWID;
        CREATE TABLE ledger_top_leaves (
            leaf_index INTEGER PRIMARY KEY,
            tree_id    INTEGER NOT NULL,
            size       INTEGER NOT NULL,
            checkpoint TEXT    NOT NULL
        );
        CREATE INDEX ix_ledger_top_leaves_tree ON ledger_top_leaves (tree_id, leaf_index);
        CREATE TABLE ledger_checkpoints (
            id         INTEGER PRIMARY KEY,
            size       INTEGER NOT NULL,
            note       TEXT    NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE ledger_state (
            id                 INTEGER PRIMARY KEY CHECK (id = 1),
            integrated_through INTEGER NOT NULL,
            last_feed          INTEGER NOT NULL,
            generation         INTEGER NOT NULL,
            log_id             BLOB    NOT NULL,
            purged_feed        INTEGER NOT NULL,
            top_size           INTEGER NOT NULL,
            top_edge           BLOB    NOT NULL,
            sealed_sequence    INTEGER,
            sealed_hash        BLOB
        );
        INSERT INTO ledger_state (id, integrated_through, last_feed, generation, log_id, purged_feed, top_size, top_edge, sealed_sequence, sealed_hash)
        SELECT 1, 0, coalesce(h.sequence, 0), 0, randomblob(16), coalesce((SELECT max(through_sequence) FROM audit_checkpoints), 0), 0, x'', h.sequence, h.hash
        FROM (SELECT 1) LEFT JOIN audit_head h ON h.id = 1 AND h.sequence > 0;
        """,
        // The newest top-level checkpoint the witnesses cosigned, with their cosignatures: what exports prove records with.
        """
        CREATE TABLE ledger_witnessed (
            id           INTEGER PRIMARY KEY CHECK (id = 1),
            size         INTEGER NOT NULL,
            note         TEXT    NOT NULL,
            witnessed_at INTEGER NOT NULL
        );
        """,
    ];

    public static int LatestVersion => s_migrations.Length;

    /// <summary>
    /// Checks, without changing anything, that the file is AuditGen's (or empty) and that this version can open it: a file
    /// that is refused is left exactly as it was, journal mode included.
    /// </summary>
    public static void CheckOwnership(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        var applicationId = Scalar(connection, transaction, "PRAGMA application_id");
        var version = (int)Scalar(connection, transaction, "PRAGMA user_version");
        if (version == 0 && applicationId == 0)
        {
            if (Scalar(connection, transaction, "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'") > 0)
            {
                throw new AuditStoreException($"'{path}' is a SQLite database of another application, not an AuditGen audit log; point AuditGen:Sqlite:Path at a new file.");
            }
        }
        else if (applicationId != ApplicationId)
        {
            throw new AuditStoreException($"'{path}' is a SQLite database of another application (application id {applicationId}), not an AuditGen audit log.");
        }
        else if (version > LatestVersion)
        {
            throw new AuditStoreException($"'{path}' has audit schema version {version}, written by a newer AuditGen; this version knows up to {LatestVersion}.");
        }
    }

    /// <summary>Brings the schema of a file <see cref="CheckOwnership"/> accepted up to date, in one transaction.</summary>
    public static void Migrate(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        var version = (int)Scalar(connection, transaction, "PRAGMA user_version");
        if (version > LatestVersion)
        {
            throw new AuditStoreException($"'{path}' has audit schema version {version}, written by a newer AuditGen; this version knows up to {LatestVersion}.");
        }

        for (var next = version; next < LatestVersion; next++)
        {
            Execute(connection, transaction, s_migrations[next]);
        }

        Execute(connection, transaction, $"PRAGMA application_id = {ApplicationId}; PRAGMA user_version = {LatestVersion};");
        transaction.Commit();
    }

    /// <summary>For read-only use: the file must be an AuditGen log this version can read; nothing is changed.</summary>
    public static void CheckReadable(SqliteConnection connection, string path)
    {
        using var transaction = connection.BeginTransaction(deferred: true);
        var applicationId = Scalar(connection, transaction, "PRAGMA application_id");
        var version = (int)Scalar(connection, transaction, "PRAGMA user_version");
        if (applicationId != ApplicationId || version == 0)
        {
            throw new AuditStoreException($"'{path}' is not an AuditGen audit log.");
        }

        if (version > LatestVersion)
        {
            throw new AuditStoreException($"'{path}' has audit schema version {version}, written by a newer AuditGen; this version knows up to {LatestVersion}.");
        }
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
