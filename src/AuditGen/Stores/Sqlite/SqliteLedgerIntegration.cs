using System.Buffers;
using AuditGen.Ledger;
using Microsoft.Data.Sqlite;

namespace AuditGen.Stores.Sqlite;

/// <summary>
/// One integration round on SQLite: the ledger engine's persistence primitives, in one write transaction on the log.
/// Batches are read on a connection of their own to the batch file (<see cref="SqliteSequenceFile"/>), never attached:
/// a write transaction would lock every attached file, and appends would wait for the whole round. The store deletes
/// integrated batches afterwards, between two appends.
/// </summary>
internal sealed class SqliteLedgerIntegration : ILedgerIntegration
{
    private readonly SqliteConnection _connection;
    private readonly SqliteConnection _batches;
    private readonly SqliteTransaction _transaction;
    private readonly SqliteRecordInsert _insert;

    /// <summary>The round's transaction, for work done in the same commit (a purge).</summary>
    public SqliteTransaction Transaction => _transaction;

    public SqliteLedgerIntegration(SqliteConnection connection, SqliteConnection batches)
    {
        _connection = connection;
        _batches = batches;
        _transaction = connection.BeginTransaction(deferred: false);
        // The last feed position is kept apart from the records, so records cut from the end never lend their positions to new ones.
        using (var state = Command("SELECT integrated_through, last_feed, generation, sealed_sequence, sealed_hash FROM ledger_state WHERE id = 1"))
        using (var reader = state.ExecuteReader())
        {
            reader.Read();
            IntegratedThrough = reader.GetInt64(0);
            LastFeed = reader.GetInt64(1);
            Generation = reader.GetInt64(2);
            SealedChain = reader.IsDBNull(3) ? null : (reader.GetInt64(3), reader.GetFieldValue<byte[]>(4));
        }
        _insert = new SqliteRecordInsert(connection);

    }

    public long IntegratedThrough { get; }

    public long LastFeed { get; }

    public long Generation { get; }

    private long _lastInserted;
    private readonly List<byte[]> _rented = [];

    public (long Sequence, byte[] Hash)? SealedChain { get; }

    public IReadOnlyList<SequencedBatch> ReadPendingBatches(int maxEntries)
    {
        var batches = new List<SequencedBatch>();
        using var command = _batches.CreateCommand();
        command.CommandText = "SELECT id, sequenced_at, entries FROM ledger_batches WHERE id > $after ORDER BY id LIMIT 1000";
        command.Parameters.AddWithValue("$after", IntegratedThrough);
        using var reader = command.ExecuteReader();
        var entries = 0;
        while (entries < maxEntries && reader.Read())
        {
            // Read into pooled buffers, returned when the round ends: a batch is a large object.
            var length = (int)reader.GetBytes(2, 0, null, 0, 0);
            var buffer = ArrayPool<byte>.Shared.Rent(length);
            _rented.Add(buffer);
            reader.GetBytes(2, 0, buffer, 0, length);
            var blob = buffer.AsMemory(0, length);
            batches.Add(new SequencedBatch(reader.GetInt64(0), reader.GetInt64(1), blob));
            entries += LedgerBatch.Count(blob.Span);
        }

        return batches;
    }

    public LedgerTreeRow? ReadTree(string partition)
    {
        using var command = Command("SELECT id, partition, size, edge, purged_through, checkpointed_size FROM ledger_trees WHERE partition = $partition", ("$partition", partition));
        using var reader = command.ExecuteReader();
        return reader.Read() ? SqliteLedgerRows.Tree(reader) : null;
    }

    public long CreateTree(string partition) =>
        Scalar("INSERT INTO ledger_trees (partition, size, edge, purged_through, checkpointed_size) VALUES ($partition, 0, x'', 0, 0) RETURNING id", ("$partition", partition));

    public bool TryInsert(in LedgerRecord record)
    {
        if (!_insert.TryInsert(record))
        {
            return false;
        }

        _lastInserted = record.Feed;
        return true;
    }

    public void WriteTrees(IEnumerable<LedgerTree> trees)
    {
        using var command = Command("UPDATE ledger_trees SET size = $size, edge = $edge, purged_through = $purged, checkpointed_size = $checkpointed WHERE id = $id");
        var id = command.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
        var size = command.Parameters.Add(new SqliteParameter { ParameterName = "$size" });
        var edge = command.Parameters.Add(new SqliteParameter { ParameterName = "$edge" });
        var purged = command.Parameters.Add(new SqliteParameter { ParameterName = "$purged" });
        var checkpointed = command.Parameters.Add(new SqliteParameter { ParameterName = "$checkpointed" });
        foreach (var tree in trees)
        {
            id.Value = tree.Id;
            size.Value = tree.Size;
            edge.Value = tree.Edge();
            purged.Value = tree.PurgedThrough;
            checkpointed.Value = tree.CheckpointedSize;
            command.ExecuteNonQuery();
        }
    }

    public void WriteNodes(IReadOnlyList<LedgerNodeRow> nodes) => SqliteLedgerRows.WriteNodes(_connection, _transaction, nodes);

    public IEnumerable<StoredLedgerRecord> ReadRecords(string partition, long fromIndex, long toIndex) =>
        new SqliteLedgerSnapshot(_connection, _transaction).ReadRecords(partition, fromIndex, toIndex);

    public IReadOnlyList<byte[]> ReadNodes(long treeId, int level, long first, long count) =>
        SqliteLedgerRows.ReadNodes(_connection, _transaction, treeId, level, first, count);

    public IReadOnlyList<LedgerTreeRow> ReadUncheckpointedTrees()
    {
        using var command = Command("SELECT id, partition, size, edge, purged_through, checkpointed_size FROM ledger_trees WHERE size <> checkpointed_size ORDER BY id");
        using var reader = command.ExecuteReader();
        var trees = new List<LedgerTreeRow>();
        while (reader.Read())
        {
            trees.Add(SqliteLedgerRows.Tree(reader));
        }

        return trees;
    }

    public LedgerTreeRow ReadTopLog(out string? latestNote, out long latestAt)
    {
        using (var command = Command("SELECT note, created_at FROM ledger_checkpoints ORDER BY id DESC LIMIT 1"))
        using (var reader = command.ExecuteReader())
        {
            (latestNote, latestAt) = reader.Read() ? (reader.GetString(0), reader.GetInt64(1)) : (null, 0L);
        }

        return SqliteLedgerRows.TopLog(_connection, _transaction);
    }

    public void AppendTopLeaf(long index, long treeId, long size, string checkpointText) =>
        Execute("INSERT INTO ledger_top_leaves (leaf_index, tree_id, size, checkpoint) VALUES ($index, $tree, $size, $text)", ("$index", index), ("$tree", treeId), ("$size", size), ("$text", checkpointText));

    public void WriteTopCheckpoint(LedgerTree topLevel, string checkpointNote, long createdAt)
    {
        Execute("UPDATE ledger_state SET top_size = $size, top_edge = $edge WHERE id = 1", ("$size", topLevel.Size), ("$edge", topLevel.Edge()));
        Execute("INSERT INTO ledger_checkpoints (size, note, created_at) VALUES ($size, $note, $at)", ("$size", topLevel.Size), ("$note", checkpointNote), ("$at", createdAt));
    }

    public void PurgeRecords(LedgerTree tree, long purgedThrough)
    {
        var bandStart = purgedThrough - (purgedThrough % (1L << LedgerTree.BandHeight));
        Execute("DELETE FROM ledger_nodes WHERE tree_id = $tree AND level = 0 AND node_index < $band", ("$tree", tree.Id), ("$band", bandStart));
        Execute(
            """
            INSERT OR REPLACE INTO ledger_nodes (tree_id, level, node_index, hash)
            SELECT $tree, 0, partition_index, hash FROM audit_events
            WHERE organization_id = $partition AND partition_index >= $band AND partition_index < $through
            """,
            ("$tree", tree.Id), ("$partition", tree.Partition), ("$band", bandStart), ("$through", purgedThrough));
        Execute("DELETE FROM audit_events WHERE organization_id = $partition AND partition_index < $through", ("$partition", tree.Partition), ("$through", purgedThrough));
    }

    public void Commit(long integratedThrough)
    {
        Execute(
            "UPDATE ledger_state SET integrated_through = $through, last_feed = max(last_feed, $feed), generation = generation + 1 WHERE id = 1",
            ("$through", integratedThrough), ("$feed", _lastInserted));
        _transaction.Commit();
    }

    public void Dispose()
    {
        foreach (var buffer in _rented)
        {
            LedgerBatch.Return(buffer);
        }

        _rented.Clear();
        _insert.Dispose();
        _transaction.Dispose();
    }

    private SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.ExecuteNonQuery();
    }

    private long Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return (long)command.ExecuteScalar()!;
    }
}
