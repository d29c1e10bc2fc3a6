using AuditGen.Ledger;
using Microsoft.Data.Sqlite;

namespace AuditGen.Stores.Sqlite;

/// <summary>The ledger as verification reads it: one read transaction, so in WAL mode one consistent snapshot.</summary>
internal sealed class SqliteLedgerSnapshot(SqliteConnection connection, SqliteTransaction transaction) : ILedgerSnapshot
{
    public IEnumerable<LedgerTreeRow> ReadTrees()
    {
        using var command = Command("SELECT id, partition, size, edge, purged_through, checkpointed_size FROM ledger_trees ORDER BY id");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return SqliteLedgerRows.Tree(reader);
        }
    }

    public LedgerTreeRow? ReadTree(string partition)
    {
        using var command = Command("SELECT id, partition, size, edge, purged_through, checkpointed_size FROM ledger_trees WHERE partition = $partition", ("$partition", partition));
        using var reader = command.ExecuteReader();
        return reader.Read() ? SqliteLedgerRows.Tree(reader) : null;
    }

    private const string RecordColumns =
        "sequence, partition_index, stored_at, event_id, organization_id, action, occurred_at, actor_id, actor_name, target_types, event_json, adjustments, rejection, hash";

    public StoredLedgerRecord? ReadFirstOrphan() =>
        Records(
            $"""
            SELECT {RecordColumns} FROM audit_events e
            WHERE CASE WHEN partition_index IS NULL
                THEN sequence > (SELECT coalesce(sealed_sequence, 0) FROM ledger_state)
                ELSE NOT EXISTS (SELECT 1 FROM ledger_trees t WHERE t.partition = e.organization_id) END
            ORDER BY sequence LIMIT 1
            """).FirstOrDefault();

    public IEnumerable<StoredLedgerRecord> ReadRecords(string partition, long fromIndex) => ReadRecords(partition, fromIndex, long.MaxValue);

    /// <summary>A partition's records in [<paramref name="fromIndex"/>, <paramref name="toIndex"/>), in index order.</summary>
    public IEnumerable<StoredLedgerRecord> ReadRecords(string partition, long fromIndex, long toIndex) =>
        Records(
            $"SELECT {RecordColumns} FROM audit_events WHERE organization_id = $partition AND partition_index >= $from AND partition_index < $to ORDER BY partition_index",
            ("$partition", partition), ("$from", fromIndex), ("$to", toIndex));

    public IReadOnlyList<byte[]> ReadLeafHashes(string partition, long first, long count)
    {
        using var command = Command(
            "SELECT hash FROM audit_events WHERE organization_id = $partition AND partition_index >= $from AND partition_index < $to ORDER BY partition_index",
            ("$partition", partition), ("$from", first), ("$to", first + count));
        using var reader = command.ExecuteReader();
        var hashes = new List<byte[]>();
        while (reader.Read())
        {
            hashes.Add(reader.GetFieldValue<byte[]>(0));
        }

        return hashes;
    }

    private IEnumerable<StoredLedgerRecord> Records(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var targetTypes = SqliteTargetTypes.Read(reader.GetString(9));
            var entry = new LedgerEntry(
                reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                targetTypes ?? [], reader.GetFieldValue<byte[]>(10), reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12));
            yield return new StoredLedgerRecord(reader.GetInt64(0), reader.IsDBNull(1) ? -1 : reader.GetInt64(1), reader.GetInt64(2), entry, reader.GetFieldValue<byte[]>(13), targetTypes);
        }
    }

    public IReadOnlyList<byte[]> ReadNodes(long treeId, int level, long first, long count) =>
        SqliteLedgerRows.ReadNodes(connection, transaction, treeId, level, first, count);

    public IEnumerable<TopLevelLeaf> ReadTopLeaves() => TopLeaves("SELECT leaf_index, tree_id, size, checkpoint FROM ledger_top_leaves ORDER BY leaf_index");

    public IEnumerable<TopLevelLeaf> ReadTopLeaves(long treeId) =>
        TopLeaves("SELECT leaf_index, tree_id, size, checkpoint FROM ledger_top_leaves WHERE tree_id = $tree ORDER BY leaf_index", ("$tree", treeId));

    public TopLevelLeaf? ReadLatestTopLeaf(long treeId, long beforeIndex) =>
        TopLeaves("SELECT leaf_index, tree_id, size, checkpoint FROM ledger_top_leaves WHERE tree_id = $tree AND leaf_index < $before ORDER BY leaf_index DESC LIMIT 1", ("$tree", treeId), ("$before", beforeIndex))
            .FirstOrDefault();

    public string? ReadWitnessedCheckpoint()
    {
        using var command = Command(WitnessedCheckpointSql.Read("main."));
        return command.ExecuteScalar() as string;
    }

    public IReadOnlyList<string> ReadTopLeafRange(long first, long count) =>
        TopLeaves("SELECT leaf_index, tree_id, size, checkpoint FROM ledger_top_leaves WHERE leaf_index >= $first AND leaf_index < $end ORDER BY leaf_index", ("$first", first), ("$end", first + count))
            .Select(static leaf => leaf.CheckpointText).ToList();

    public LedgerTreeRow ReadTopLog(out string? latestCheckpointNote)
    {
        using (var command = Command("SELECT note FROM ledger_checkpoints ORDER BY id DESC LIMIT 1"))
        {
            latestCheckpointNote = command.ExecuteScalar() as string;
        }

        return SqliteLedgerRows.TopLog(connection, transaction);
    }

    private IEnumerable<TopLevelLeaf> TopLeaves(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new TopLevelLeaf(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3));
        }
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
