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
    /// Creates the file when it is missing. A new file's batch ids start after the last one the log integrated, so a
    /// file deleted by hand can never make new batches look integrated already.
    /// </summary>
    public static void Initialize(SqliteConnection connection, string databasePath, long integratedThrough)
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
                INSERT INTO sqlite_sequence (name, seq) VALUES ('ledger_batches', {integratedThrough});
                PRAGMA application_id = {ApplicationId};
                """, transaction);
        }
        else if (applicationId != ApplicationId)
        {
            throw new Pipeline.AuditStoreException($"'{PathOf(databasePath)}' is not the batch file of an AuditGen audit log; move it aside.");
        }

        transaction.Commit();
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
