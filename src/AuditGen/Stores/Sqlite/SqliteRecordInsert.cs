using AuditGen.Ledger;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace AuditGen.Stores.Sqlite;

/// <summary>
/// The one statement integration runs per record, prepared once per round and bound by position through SQLite's own
/// API: ADO.NET's parameters look each one up by name on every execution, which cost more than the insert itself.
/// </summary>
internal sealed class SqliteRecordInsert : IDisposable
{
    private const string Sql = """
        INSERT INTO audit_events (sequence, event_id, organization_id, action, occurred_at, actor_id, actor_name, target_types, event_json, adjustments, rejection, stored_at, hash, partition_index)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
        ON CONFLICT (event_id) DO NOTHING
        """;

    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    public SqliteRecordInsert(SqliteConnection connection)
    {
        _database = connection.Handle!;
        SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(_database, Sql, out _statement), _database);
    }

    /// <summary>Inserts the record; <see langword="false"/> when its event id is already stored.</summary>
    public bool TryInsert(in LedgerRecord record)
    {
        var entry = record.Entry;
        try
        {
            raw.sqlite3_bind_int64(_statement, 1, record.Feed);
            raw.sqlite3_bind_text(_statement, 2, entry.EventId);
            raw.sqlite3_bind_text(_statement, 3, entry.Partition);
            raw.sqlite3_bind_text(_statement, 4, entry.Action);
            raw.sqlite3_bind_int64(_statement, 5, entry.OccurredAt);
            raw.sqlite3_bind_text(_statement, 6, entry.ActorId);
            BindTextOrNull(7, entry.ActorName);
            raw.sqlite3_bind_text(_statement, 8, SqliteTargetTypes.Write(entry.TargetTypes));
            raw.sqlite3_bind_blob(_statement, 9, entry.EventJson.Span);
            raw.sqlite3_bind_text(_statement, 10, entry.Adjustments);
            BindTextOrNull(11, entry.Rejection);
            raw.sqlite3_bind_int64(_statement, 12, record.StoredAt);
            raw.sqlite3_bind_blob(_statement, 13, record.LeafHash);
            raw.sqlite3_bind_int64(_statement, 14, record.PartitionIndex);
            var result = raw.sqlite3_step(_statement);
            if (result != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(result, _database);
            }

            return raw.sqlite3_changes(_database) == 1;
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void BindTextOrNull(int index, string? value)
    {
        if (value is null)
        {
            raw.sqlite3_bind_null(_statement, index);
        }
        else
        {
            raw.sqlite3_bind_text(_statement, index, value);
        }
    }
}
