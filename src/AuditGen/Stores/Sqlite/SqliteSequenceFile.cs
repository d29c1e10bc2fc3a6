using Microsoft.Data.Sqlite;

namespace AuditGen.Stores.Sqlite;

/// <summary>
/// The file batches are sequenced into (<c>&lt;database&gt;.batches</c>), apart from the log so that a commit waits for
/// nothing but its own fsync: SQLite takes one writer per file, and integration writes to the log in long rounds. A
/// batch stays here until the round that integrates it has committed; the log records how far integration got.
/// </summary>
internal static class SqliteSequenceFile
{
    /// <summary>"AUGB".</summary>
    private const long ApplicationId = 0x41554742;

    public static string PathOf(string databasePath) => databasePath + ".batches";

    public static string ConnectionString(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = PathOf(databasePath),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>
    /// Creates the file when it is missing, marked with the log's id; refuses one that belongs to another log (a
    /// database replaced or restored without its batch file). Batch ids always continue after the last one the log
    /// integrated, so a file deleted, or restored from an older backup, can never make new batches look integrated.
    /// </summary>
    public static void Initialize(SqliteConnection connection, string databasePath, long integratedThrough, byte[] logId)
    {
        Execute(connection, "PRAGMA journal_mode = WAL;");
        using var transaction = connection.BeginTransaction(deferred: false);
        var applicationId = Scalar(connection, transaction, "PRAGMA application_id");
        if (applicationId == 0 && Scalar(connection, transaction, "SELECT count(*) FROM sqlite_master") == 0)
        {
            Execute(connection, $"""
                CREATE TABLE ledger_batches (
                    id           INTEGER PRIMARY KEY AUTOINCREMENT,
                    entries      BLOB    NOT NULL,
                    sequenced_at INTEGER NOT NULL
                );
                CREATE TABLE batch_file (
                    id     INTEGER PRIMARY KEY CHECK (id = 1),
                    log_id BLOB    NOT NULL
                );
                INSERT INTO sqlite_sequence (name, seq) VALUES ('ledger_batches', 0);
                PRAGMA application_id = {ApplicationId};
                """, transaction);
            using var mark = connection.CreateCommand();
            mark.Transaction = transaction;
            mark.CommandText = "INSERT INTO batch_file (id, log_id) VALUES (1, $log)";
            mark.Parameters.AddWithValue("$log", logId);
            mark.ExecuteNonQuery();
        }
        else
        {
            CheckOwner(connection, transaction, databasePath, logId);
        }

        Execute(connection, $"UPDATE sqlite_sequence SET seq = max(seq, {integratedThrough}) WHERE name = 'ledger_batches';", transaction);
        transaction.Commit();
    }

    /// <summary>
    /// Adds one batch to the existing batch file of the log <paramref name="logId"/>, for a process that only reads the
    /// log (the CLI recording its own access): nothing is created or migrated, and the application, or the next process
    /// that writes, places the batch in the log. Throws <see cref="SqliteException"/> when the file is missing or cannot
    /// be written, and <see cref="Pipeline.AuditStoreException"/> when it belongs to another log.
    /// </summary>
    public static void AppendToExisting(string databasePath, byte[] logId, byte[] batch, int length, long sequencedAt)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = PathOf(databasePath),
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous = FULL;");
        using var transaction = connection.BeginTransaction(deferred: false);
        CheckOwner(connection, transaction, databasePath, logId);

        using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO ledger_batches (entries, sequenced_at) VALUES ($entries, $at)";
            insert.Parameters.Add(new SqliteParameter("$entries", SqliteType.Blob, length) { Value = batch });
            insert.Parameters.AddWithValue("$at", sequencedAt);
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Refuses a file that is not a batch file, or is the batch file of another log.</summary>
    private static void CheckOwner(SqliteConnection connection, SqliteTransaction transaction, string databasePath, byte[] logId)
    {
        if (Scalar(connection, transaction, "PRAGMA application_id") != ApplicationId)
        {
            throw new Pipeline.AuditStoreException($"'{PathOf(databasePath)}' is not the batch file of an AuditGen audit log; move it aside.");
        }

        using var owner = connection.CreateCommand();
        owner.Transaction = transaction;
        owner.CommandText = "SELECT log_id FROM batch_file WHERE id = 1";
        if (owner.ExecuteScalar() is not byte[] owned || !owned.AsSpan().SequenceEqual(logId))
        {
            throw new Pipeline.AuditStoreException(
                $"'{PathOf(databasePath)}' holds batches of another audit log than '{databasePath}' (one of the two was replaced or restored without the other). Move the batch file aside; the events it holds are not this log's.");
        }
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
