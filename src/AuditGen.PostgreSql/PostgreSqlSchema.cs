using AuditGen.Pipeline;
using Npgsql;

namespace AuditGen.Stores.PostgreSql;

/// <summary>
/// The versioned schema. Migrations run in one transaction under a transaction-level advisory lock, so
/// instances that start together migrate once; <c>audit_schema_version</c> records the version and marks
/// the schema as AuditGen's.
/// </summary>
internal static class PostgreSqlSchema
{
    /// <summary>
    /// The advisory lock class for AuditGen ("AUDG"). The second key is 0 for migrations and the 32-bit <c>hashtext</c>
    /// of schema and sink for delivery; a sink whose hash is 0 would only wait for migrations to finish.
    /// </summary>
    public const int LockClass = 0x41554447;

    /// <summary>The advisory lock class of integration ("AUDI"), apart from delivery's: the second key is the schema's 32-bit <c>hashtext</c>.</summary>
    public const int IntegrationLockClass = 0x41554449;

    private static readonly string[] s_migrations =
    [
        """
        CREATE TABLE {0}.audit_events (
            sequence        bigint PRIMARY KEY,
            event_id        uuid   NOT NULL UNIQUE,
            organization_id text   NOT NULL,
            action          text   NOT NULL,
            occurred_at     bigint NOT NULL,
            actor_id        text   NOT NULL,
            actor_name      text,
            event_json      bytea  NOT NULL,
            adjustments     text   NOT NULL,
            rejection       text,
            stored_at       bigint NOT NULL,
            hash            bytea  NOT NULL
        );
        CREATE INDEX ix_audit_events_organization_time ON {0}.audit_events (organization_id, occurred_at);
        CREATE INDEX ix_audit_events_action ON {0}.audit_events (action);
        CREATE INDEX ix_audit_events_actor_id ON {0}.audit_events (actor_id);
        CREATE INDEX ix_audit_events_actor_name ON {0}.audit_events (actor_name);
        CREATE INDEX ix_audit_events_occurred_at ON {0}.audit_events (occurred_at);
        CREATE INDEX ix_audit_events_stored_at ON {0}.audit_events (stored_at);
        CREATE TABLE {0}.audit_event_targets (
            type     text   NOT NULL,
            sequence bigint NOT NULL,
            PRIMARY KEY (type, sequence)
        );
        CREATE INDEX ix_audit_event_targets_sequence ON {0}.audit_event_targets (sequence);
        CREATE TABLE {0}.audit_head (
            id        integer PRIMARY KEY CHECK (id = 1),
            sequence  bigint  NOT NULL,
            hash      bytea   NOT NULL,
            signature bytea
        );
        INSERT INTO {0}.audit_head (id, sequence, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));
        CREATE TABLE {0}.audit_checkpoints (
            id               bigserial PRIMARY KEY,
            through_sequence bigint NOT NULL,
            through_hash     bytea  NOT NULL,
            purged_count     bigint NOT NULL,
            created_at       bigint NOT NULL,
            signature        bytea
        );
        CREATE TABLE {0}.audit_sink_cursors (
            sink     text   PRIMARY KEY,
            sequence bigint NOT NULL
        );
        CREATE TABLE {0}.audit_dead_letters (
            id                   bigserial PRIMARY KEY,
            sink                 text   NOT NULL,
            sequence             bigint NOT NULL,
            reason               text   NOT NULL,
            dead_lettered_at     bigint NOT NULL,
            redrive_requested_at bigint,
            UNIQUE (sink, sequence)
        );
        """,
        // As in the SQLite store: WorkOS exports and the viewer always name an organization, so one (organization_id,
        // occurred_at) index finds their rows and the other filters are checked on them; target types move into an
        // array column. Instances still running the previous version cannot write after this step: upgrade them all.
        """
        ALTER TABLE {0}.audit_events ADD COLUMN target_types text[] NOT NULL DEFAULT '{{}}';
        UPDATE {0}.audit_events e
        SET target_types = t.types
        FROM (SELECT sequence, array_agg(type ORDER BY type) AS types FROM {0}.audit_event_targets GROUP BY sequence) t
        WHERE e.sequence = t.sequence;
        DROP TABLE {0}.audit_event_targets;
        DROP INDEX {0}.ix_audit_events_action;
        DROP INDEX {0}.ix_audit_events_actor_id;
        DROP INDEX {0}.ix_audit_events_actor_name;
        DROP INDEX {0}.ix_audit_events_occurred_at;
        """,
        // The ledger (docs/ledger.md): appends become rows of ledger_batches, integration gives each record its place
        // in its organization's Merkle log. The chain written so far is sealed: its head goes into every checkpoint,
        // its records keep a null partition_index, and new records continue the feed (sequence) after it. Instances
        // still running the previous version cannot write after this step: upgrade them all.
        """
        ALTER TABLE {0}.audit_events ADD COLUMN partition_index bigint;
        CREATE UNIQUE INDEX ux_audit_events_partition ON {0}.audit_events (organization_id, partition_index) WHERE partition_index IS NOT NULL;
        CREATE TABLE {0}.ledger_batches (
            id           bigserial PRIMARY KEY,
            sequenced_at bigint NOT NULL,
            entries      bytea  NOT NULL
        );
        -- A batch lives only until integration: compressing it would cost each append more CPU than it saves.
        ALTER TABLE {0}.ledger_batches ALTER COLUMN entries SET STORAGE EXTERNAL;
        CREATE TABLE {0}.ledger_trees (
            id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            partition         text   NOT NULL UNIQUE,
            size              bigint NOT NULL,
            edge              bytea  NOT NULL,
            purged_through    bigint NOT NULL,
            checkpointed_size bigint NOT NULL
        );
        CREATE INDEX ix_ledger_trees_uncheckpointed ON {0}.ledger_trees (id) WHERE size <> checkpointed_size;
        CREATE TABLE {0}.ledger_nodes (
            tree_id    bigint  NOT NULL,
            level      integer NOT NULL,
            node_index bigint  NOT NULL,
            hash       bytea   NOT NULL,
            PRIMARY KEY (tree_id, level, node_index)
        );
        CREATE TABLE {0}.ledger_top_leaves (
            leaf_index bigint PRIMARY KEY,
            tree_id    bigint NOT NULL,
            size       bigint NOT NULL,
            checkpoint text   NOT NULL
        );
        CREATE INDEX ix_ledger_top_leaves_tree ON {0}.ledger_top_leaves (tree_id, leaf_index);
        CREATE TABLE {0}.ledger_checkpoints (
            id         bigserial PRIMARY KEY,
            size       bigint NOT NULL,
            note       text   NOT NULL,
            created_at bigint NOT NULL
        );
        CREATE TABLE {0}.ledger_state (
            id              integer PRIMARY KEY CHECK (id = 1),
            last_feed       bigint  NOT NULL,
            generation      bigint  NOT NULL,
            purged_feed     bigint  NOT NULL,
            top_size        bigint  NOT NULL,
            top_edge        bytea   NOT NULL,
            sealed_sequence bigint,
            sealed_hash     bytea
        );
        -- An instance still running version 2 would append records outside the ledger, under feed positions
        -- integration gives out next, and stop every round after it: its inserts are refused instead.
        CREATE FUNCTION {0}.refuse_records_outside_the_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'this AuditGen audit log has schema version 3, where records are appended through the ledger: upgrade this instance of AuditGen';
        END $$;
        CREATE TRIGGER refuse_records_outside_the_ledger BEFORE INSERT ON {0}.audit_events
            FOR EACH ROW WHEN (NEW.partition_index IS NULL) EXECUTE FUNCTION {0}.refuse_records_outside_the_ledger();
        INSERT INTO {0}.ledger_state (id, last_feed, generation, purged_feed, top_size, top_edge, sealed_sequence, sealed_hash)
        SELECT 1, coalesce(h.sequence, 0), 0, coalesce((SELECT max(through_sequence) FROM {0}.audit_checkpoints), 0), 0, ''::bytea, h.sequence, h.hash
        FROM (SELECT 1) s LEFT JOIN {0}.audit_head h ON h.id = 1 AND h.sequence > 0;
        """,
        // The newest top-level checkpoint the witnesses cosigned, with their cosignatures: what exports prove records with.
        """
        CREATE TABLE {0}.ledger_witnessed (
            id           integer PRIMARY KEY CHECK (id = 1),
            size         bigint  NOT NULL,
            note         text    NOT NULL,
            witnessed_at bigint  NOT NULL
        );
        """,
    ];

    public static int LatestVersion => s_migrations.Length;

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({LockClass}, 0)", cancellationToken);
        await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {schema}", cancellationToken);
        var hasVersionTable = await ScalarAsync(connection, $"SELECT to_regclass('{schema}.audit_schema_version') IS NOT NULL", cancellationToken) is true;
        var version = 0;
        if (hasVersionTable)
        {
            version = (int)(await ScalarAsync(connection, $"SELECT version FROM {schema}.audit_schema_version", cancellationToken) ?? 0);
        }
        else if (await ScalarAsync(connection, $"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'", cancellationToken) is > 0L)
        {
            throw new AuditStoreException($"The PostgreSQL schema '{schema}' holds another application's tables; set AuditGen:PostgreSql:Schema to a schema of AuditGen's own.");
        }
        else
        {
            await ExecuteAsync(connection, $"CREATE TABLE {schema}.audit_schema_version (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL); INSERT INTO {schema}.audit_schema_version VALUES (1, 0)", cancellationToken);
        }

        if (version > LatestVersion)
        {
            throw new AuditStoreException($"The PostgreSQL schema '{schema}' has audit schema version {version}, written by a newer AuditGen; this version knows up to {LatestVersion}.");
        }

        for (var next = version; next < LatestVersion; next++)
        {
            await ExecuteAsync(connection, string.Format(System.Globalization.CultureInfo.InvariantCulture, s_migrations[next], schema), cancellationToken);
        }

        await ExecuteAsync(connection, $"UPDATE {schema}.audit_schema_version SET version = {LatestVersion}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// For tools: checks that the schema is at the version this AuditGen works with, changing nothing. Migrating is the
    /// application's job at start-up; a tool that migrated would stop instances of the previous version writing.
    /// </summary>
    public static async Task CheckCurrentAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var version = (int)(await ScalarAsync(connection, $"SELECT version FROM {schema}.audit_schema_version", cancellationToken) ?? 0);
        if (version != LatestVersion)
        {
            throw new AuditStoreException(version > LatestVersion
                ? $"The PostgreSQL schema '{schema}' has audit schema version {version}, written by a newer AuditGen; this version knows up to {LatestVersion}."
                : $"The PostgreSQL schema '{schema}' has audit schema version {version}; this version of AuditGen works with version {LatestVersion}. Upgrade the application first: it migrates the schema at start-up, and tools never do.");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }
}
