using AuditGen.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace AuditGen.Stores.PostgreSql;

/// <summary>
/// One integration round on PostgreSQL, in one transaction that first takes the schema's integration lock, so rounds
/// of all processes run one at a time while appends never wait for them. Batches are read in id order and deleted in the
/// round that integrates them: a batch committed late with a smaller id is simply integrated by a later round, and gets
/// later feed positions, so the feed never skips it. Records and top-level leaves are gathered and written with one
/// binary <c>COPY</c> or array statement each, not one statement per row.
/// </summary>
internal sealed class PostgreSqlLedgerIntegration : ILedgerIntegration
{
    private readonly NpgsqlTransaction _transaction;
    private readonly PostgreSqlLedgerRows _rows;
    private readonly string _schema;
    private readonly List<long> _batchIds = [];
    private readonly HashSet<Guid> _storedEventIds = [];
    private readonly Dictionary<string, LedgerTreeRow?> _prefetchedTrees = new(StringComparer.Ordinal);
    private readonly List<LedgerRecord> _records = [];
    private readonly List<(long Index, long TreeId, long Size, string Text)> _topLeaves = [];
    private long _lastInserted;

    public PostgreSqlLedgerIntegration(NpgsqlConnection connection, string schema)
    {
        _schema = schema;
        _rows = new PostgreSqlLedgerRows(connection, schema);
        // Read committed whatever the server's default: each statement must see what rounds before the lock committed.
        _transaction = connection.BeginTransaction(System.Data.IsolationLevel.ReadCommitted);
        try
        {
            _rows.Execute($"SELECT pg_advisory_xact_lock({PostgreSqlSchema.IntegrationLockClass}, hashtext(@schema))", ("schema", schema));
            using var state = _rows.Command($"SELECT last_feed, generation, sealed_sequence, sealed_hash FROM {schema}.ledger_state WHERE id = 1");
            using var reader = state.ExecuteReader();
            reader.Read();
            LastFeed = reader.GetInt64(0);
            Generation = reader.GetInt64(1);
            SealedChain = reader.IsDBNull(2) ? null : (reader.GetInt64(2), reader.GetFieldValue<byte[]>(3));
        }
        catch
        {
            _transaction.Dispose();
            throw;
        }
    }

    /// <summary>The round's transaction, for work done in the same commit (a purge).</summary>
    public NpgsqlTransaction Transaction => _transaction;

    /// <summary>Always 0: batches leave the table in the round that integrates them, so no watermark is kept.</summary>
    public long IntegratedThrough => 0;

    public long LastFeed { get; }

    public long Generation { get; }

    public (long Sequence, byte[] Hash)? SealedChain { get; }

    public IReadOnlyList<SequencedBatch> ReadPendingBatches(int maxEntries)
    {
        // First the oldest batches' headers (a few bytes each, read without the rest of the uncompressed blob), to take
        // no more than the round holds; then only those batches whole. A round that asked for the whole blobs of a
        // thousand batches would make the server read and send them all, for the round to use a few.
        var entries = 0;
        using (var command = _rows.Command($"SELECT id, substring(entries from 1 for 5) FROM {_schema}.ledger_batches ORDER BY id LIMIT 1000"))
        using (var reader = command.ExecuteReader())
        {
            while (entries < maxEntries && reader.Read())
            {
                _batchIds.Add(reader.GetInt64(0));
                entries += LedgerBatch.Count(reader.GetFieldValue<byte[]>(1));
            }
        }

        var batches = new List<SequencedBatch>(_batchIds.Count);
        if (_batchIds.Count > 0)
        {
            using var command = _rows.Command($"SELECT id, sequenced_at, entries FROM {_schema}.ledger_batches WHERE id = ANY(@ids) ORDER BY id");
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _batchIds.ToArray() });
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                batches.Add(new SequencedBatch(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
            }
        }

        PrefetchFor(batches);
        return batches;
    }

    /// <summary>
    /// Reads, in one statement each, which of the round's event ids are already stored and the trees of its partitions
    /// (or that they have none yet), instead of one round trip per record and per partition.
    /// </summary>
    private void PrefetchFor(List<SequencedBatch> batches)
    {
        var eventIds = new List<Guid>();
        var partitions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var batch in batches)
        {
            foreach (var entry in LedgerBatch.Decode(batch.Entries))
            {
                eventIds.Add(Guid.ParseExact(entry.EventId, "D"));
                partitions.Add(entry.Partition);
            }
        }

        using (var command = _rows.Command($"SELECT event_id FROM {_schema}.audit_events WHERE event_id = ANY(@ids)"))
        {
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = eventIds.ToArray() });
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                _storedEventIds.Add(reader.GetGuid(0));
            }
        }

        foreach (var partition in partitions)
        {
            _prefetchedTrees[partition] = null;
        }

        using (var command = _rows.Command($"SELECT {PostgreSqlLedgerRows.TreeColumns} FROM {_schema}.ledger_trees WHERE partition = ANY(@partitions)"))
        {
            command.Parameters.Add(new NpgsqlParameter("partitions", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = partitions.ToArray() });
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var tree = PostgreSqlLedgerRows.Tree(reader);
                _prefetchedTrees[tree.Partition] = tree;
            }
        }
    }

    public LedgerTreeRow? ReadTree(string partition)
    {
        // A partition of the round's batches was looked up with the rest: not found there, it has no tree yet.
        if (_prefetchedTrees.TryGetValue(partition, out var tree))
        {
            return tree;
        }

        Flush();
        return _rows.Trees("WHERE partition = @partition", ("partition", partition)).SingleOrDefault();
    }

    public long CreateTree(string partition) =>
        (long)_rows.Scalar($"INSERT INTO {_schema}.ledger_trees (partition, size, edge, purged_through, checkpointed_size) VALUES (@partition, 0, '', 0, 0) RETURNING id", ("partition", partition))!;

    public bool TryInsert(in LedgerRecord record)
    {
        if (!_storedEventIds.Add(Guid.ParseExact(record.Entry.EventId, "D")))
        {
            return false;
        }

        _records.Add(record);
        _lastInserted = record.Feed;
        return true;
    }

    public void WriteTrees(IEnumerable<LedgerTree> trees)
    {
        var list = trees.ToList();
        if (list.Count == 0)
        {
            return;
        }

        using var command = _rows.Command(
            $"""
            UPDATE {_schema}.ledger_trees t SET size = u.size, edge = u.edge, purged_through = u.purged, checkpointed_size = u.checkpointed
            FROM unnest(@ids, @sizes, @edges, @purged, @checkpointed) AS u(id, size, edge, purged, checkpointed)
            WHERE t.id = u.id
            """);
        command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = list.Select(static tree => tree.Id).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("sizes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = list.Select(static tree => tree.Size).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("edges", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = list.Select(static tree => tree.Edge()).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("purged", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = list.Select(static tree => tree.PurgedThrough).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("checkpointed", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = list.Select(static tree => tree.CheckpointedSize).ToArray() });
        command.ExecuteNonQuery();
    }

    public void WriteNodes(IReadOnlyList<LedgerNodeRow> nodes)
    {
        Flush();
        _rows.WriteNodes(nodes);
    }

    public IReadOnlyList<LedgerTreeRow> ReadUncheckpointedTrees() => _rows.Trees("WHERE size <> checkpointed_size");

    public LedgerTreeRow ReadTopLog(out string? latestNote, out long latestAt) => _rows.TopLog(out latestNote, out latestAt);

    public void AppendTopLeaf(long index, long treeId, long size, string checkpointText) => _topLeaves.Add((index, treeId, size, checkpointText));

    public void WriteTopCheckpoint(LedgerTree topLevel, string checkpointNote, long createdAt)
    {
        Flush();
        _rows.Execute($"UPDATE {_schema}.ledger_state SET top_size = @size, top_edge = @edge WHERE id = 1", ("size", topLevel.Size), ("edge", topLevel.Edge()));
        _rows.Execute($"INSERT INTO {_schema}.ledger_checkpoints (size, note, created_at) VALUES (@size, @note, @at)", ("size", topLevel.Size), ("note", checkpointNote), ("at", createdAt));
    }

    public IEnumerable<StoredLedgerRecord> ReadRecords(string partition, long fromIndex, long toIndex)
    {
        Flush();
        return _rows.ReadRecords(partition, fromIndex, toIndex);
    }

    public IReadOnlyList<byte[]> ReadNodes(long treeId, int level, long first, long count) => _rows.ReadNodes(treeId, level, first, count);

    public void PurgeRecords(LedgerTree tree, long purgedThrough)
    {
        var bandStart = purgedThrough - (purgedThrough % (1L << LedgerTree.BandHeight));
        _rows.Execute($"DELETE FROM {_schema}.ledger_nodes WHERE tree_id = @tree AND level = 0 AND node_index < @band", ("tree", tree.Id), ("band", bandStart));
        _rows.Execute(
            $"""
            INSERT INTO {_schema}.ledger_nodes (tree_id, level, node_index, hash)
            SELECT @tree, 0, partition_index, hash FROM {_schema}.audit_events
            WHERE organization_id = @partition AND partition_index >= @band AND partition_index < @through
            ON CONFLICT (tree_id, level, node_index) DO UPDATE SET hash = excluded.hash
            """,
            ("tree", tree.Id), ("partition", tree.Partition), ("band", bandStart), ("through", purgedThrough));
        _rows.Execute($"DELETE FROM {_schema}.audit_events WHERE organization_id = @partition AND partition_index < @through", ("partition", tree.Partition), ("through", purgedThrough));
    }

    public void Commit(long integratedThrough)
    {
        Flush();
        if (_batchIds.Count > 0)
        {
            using var delete = _rows.Command($"DELETE FROM {_schema}.ledger_batches WHERE id = ANY(@ids)");
            delete.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _batchIds.ToArray() });
            delete.ExecuteNonQuery();
        }

        _rows.Execute($"UPDATE {_schema}.ledger_state SET last_feed = GREATEST(last_feed, @feed), generation = generation + 1 WHERE id = 1", ("feed", _lastInserted));
        _transaction.Commit();
    }

    public void Dispose() => _transaction.Dispose();

    /// <summary>Writes the records and top-level leaves gathered so far, before anything reads or follows them.</summary>
    private void Flush()
    {
        if (_records.Count > 0)
        {
            using (var import = _transaction.Connection!.BeginBinaryImport(
                $"COPY {_schema}.audit_events (sequence, event_id, organization_id, action, occurred_at, actor_id, actor_name, target_types, event_json, adjustments, rejection, stored_at, hash, partition_index) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var record in _records)
                {
                    var entry = record.Entry;
                    import.StartRow();
                    import.Write(record.Feed, NpgsqlDbType.Bigint);
                    import.Write(Guid.ParseExact(entry.EventId, "D"), NpgsqlDbType.Uuid);
                    import.Write(entry.Partition, NpgsqlDbType.Text);
                    import.Write(entry.Action, NpgsqlDbType.Text);
                    import.Write(entry.OccurredAt, NpgsqlDbType.Bigint);
                    import.Write(entry.ActorId, NpgsqlDbType.Text);
                    WriteNullable(import, entry.ActorName);
                    import.Write(entry.TargetTypes as string[] ?? [.. entry.TargetTypes], NpgsqlDbType.Array | NpgsqlDbType.Text);
                    import.Write(entry.EventJson, NpgsqlDbType.Bytea);
                    import.Write(entry.Adjustments, NpgsqlDbType.Text);
                    WriteNullable(import, entry.Rejection);
                    import.Write(record.StoredAt, NpgsqlDbType.Bigint);
                    import.Write(record.LeafHash, NpgsqlDbType.Bytea);
                    import.Write(record.PartitionIndex, NpgsqlDbType.Bigint);
                }

                import.Complete();
            }

            _records.Clear();
        }

        if (_topLeaves.Count > 0)
        {
            using var command = _rows.Command($"INSERT INTO {_schema}.ledger_top_leaves (leaf_index, tree_id, size, checkpoint) SELECT * FROM unnest(@indexes, @trees, @sizes, @texts)");
            command.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _topLeaves.Select(static leaf => leaf.Index).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("trees", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _topLeaves.Select(static leaf => leaf.TreeId).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("sizes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = _topLeaves.Select(static leaf => leaf.Size).ToArray() });
            command.Parameters.Add(new NpgsqlParameter("texts", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _topLeaves.Select(static leaf => leaf.Text).ToArray() });
            command.ExecuteNonQuery();
            _topLeaves.Clear();
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter import, string? value)
    {
        if (value is null)
        {
            import.WriteNull();
        }
        else
        {
            import.Write(value, NpgsqlDbType.Text);
        }
    }
}
