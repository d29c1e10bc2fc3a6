using AuditGen.Ledger;

namespace AuditGen.Stores.PostgreSql;

/// <summary>The ledger as verification reads it, inside a repeatable-read transaction: one consistent snapshot.</summary>
internal sealed class PostgreSqlLedgerSnapshot(PostgreSqlLedgerRows rows) : ILedgerSnapshot
{
    public IEnumerable<LedgerTreeRow> ReadTrees() =>
        rows.Paged($"SELECT {PostgreSqlLedgerRows.TreeColumns} FROM {rows.Schema}.ledger_trees", "id", "", PostgreSqlLedgerRows.Tree, static tree => tree.Id);

    public LedgerTreeRow? ReadTree(string partition) => rows.Trees("WHERE partition = @partition", ("partition", partition)).SingleOrDefault();

    public IEnumerable<StoredLedgerRecord> ReadRecords(string partition, long fromIndex) => rows.ReadRecords(partition, fromIndex, long.MaxValue);

    public IReadOnlyList<byte[]> ReadLeafHashes(string partition, long first, long count)
    {
        using var command = rows.Command(
            $"SELECT hash FROM {rows.Schema}.audit_events WHERE organization_id = @partition AND partition_index >= @from AND partition_index < @to ORDER BY partition_index",
            ("partition", partition), ("from", first), ("to", first + count));
        using var reader = command.ExecuteReader();
        var hashes = new List<byte[]>();
        while (reader.Read())
        {
            hashes.Add(reader.GetFieldValue<byte[]>(0));
        }

        return hashes;
    }

    public StoredLedgerRecord? ReadFirstOrphan() => rows.ReadFirstOrphan();

    public IReadOnlyList<byte[]> ReadNodes(long treeId, int level, long first, long count) => rows.ReadNodes(treeId, level, first, count);

    public IEnumerable<TopLevelLeaf> ReadTopLeaves() => TopLeaves("");

    public IEnumerable<TopLevelLeaf> ReadTopLeaves(long treeId) => TopLeaves("AND tree_id = @tree", ("tree", treeId));

    public TopLevelLeaf? ReadLatestTopLeaf(long treeId, long beforeIndex)
    {
        using var command = rows.Command(
            $"SELECT leaf_index, tree_id, size, checkpoint FROM {rows.Schema}.ledger_top_leaves WHERE tree_id = @tree AND leaf_index < @before ORDER BY leaf_index DESC LIMIT 1",
            ("tree", treeId), ("before", beforeIndex));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new TopLevelLeaf(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3)) : null;
    }

    public string? ReadWitnessedCheckpoint() => rows.Scalar(WitnessedCheckpointSql.Read($"{rows.Schema}.")) as string;

    public IReadOnlyList<string> ReadTopLeafRange(long first, long count)
    {
        using var command = rows.Command(
            $"SELECT checkpoint FROM {rows.Schema}.ledger_top_leaves WHERE leaf_index >= @first AND leaf_index < @end ORDER BY leaf_index",
            ("first", first), ("end", first + count));
        using var reader = command.ExecuteReader();
        var texts = new List<string>();
        while (reader.Read())
        {
            texts.Add(reader.GetString(0));
        }

        return texts;
    }

    public LedgerTreeRow ReadTopLog(out string? latestCheckpointNote) => rows.TopLog(out latestCheckpointNote, out _);

    private IEnumerable<TopLevelLeaf> TopLeaves(string where, params (string Name, object? Value)[] parameters) =>
        rows.Paged(
            $"SELECT leaf_index, tree_id, size, checkpoint FROM {rows.Schema}.ledger_top_leaves",
            "leaf_index",
            where,
            static reader => new TopLevelLeaf(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetString(3)),
            static leaf => leaf.Index,
            parameters);
}
