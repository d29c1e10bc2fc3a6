using Microsoft.Data.Sqlite;

namespace AuditGen.Witness;

/// <summary>
/// What the witness remembers, durably: the newest checkpoint it cosigned of each log (its size and root). Checking a
/// request against it and recording the new one happen in one write transaction, so two requests can never roll the
/// record back (c2sp.org/tlog-witness).
/// </summary>
internal sealed class WitnessState
{
    private readonly string _connectionString;

    public WitnessState(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path), Pooling = true, DefaultTimeout = 30 }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS witnessed_logs (
                origin      TEXT    PRIMARY KEY,
                size        INTEGER NOT NULL,
                root        BLOB    NOT NULL,
                cosigned_at INTEGER NOT NULL
            );
            """;
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Reads the log's record (size 0 and no root when none), lets <paramref name="decide"/> judge the request against it,
    /// and when it accepts, records the new size and root, all in one transaction.
    /// </summary>
    public T Advance<T>(string origin, Func<long, byte[]?, (T Answer, (long Size, byte[] Root)? Record)> decide, long now)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction(deferred: false);
        long size = 0;
        byte[]? root = null;
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT size, root FROM witnessed_logs WHERE origin = $origin";
            read.Parameters.AddWithValue("$origin", origin);
            using var reader = read.ExecuteReader();
            if (reader.Read())
            {
                (size, root) = (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
            }
        }

        var (answer, record) = decide(size, root);
        if (record is { } accepted)
        {
            using var write = connection.CreateCommand();
            write.Transaction = transaction;
            write.CommandText = """
                INSERT INTO witnessed_logs (origin, size, root, cosigned_at) VALUES ($origin, $size, $root, $at)
                ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root, cosigned_at = excluded.cosigned_at
                """;
            write.Parameters.AddWithValue("$origin", origin);
            write.Parameters.AddWithValue("$size", accepted.Size);
            write.Parameters.AddWithValue("$root", accepted.Root);
            write.Parameters.AddWithValue("$at", now);
            write.ExecuteNonQuery();
            transaction.Commit();
        }

        return answer;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL;";
        command.ExecuteNonQuery();
        return connection;
    }
}
