using AuditGen.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace AuditGen.Stores.PostgreSql;

/// <summary>The ledger rows that integration, verification and purging all read or write the same way, in one schema.</summary>
internal sealed class PostgreSqlLedgerRows(NpgsqlConnection connection, string schema)
{
    public const string TreeColumns = "id, partition, size, edge, purged_through, checkpointed_size";

    private const int PageSize = 1000;

    private const string RecordColumns =
        "sequence, partition_index, stored_at, event_id, organization_id, action, occurred_at, actor_id, actor_name, target_types, event_json, adjustments, rejection, hash";

    public string Schema => schema;

    public NpgsqlCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public int Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        return command.ExecuteNonQuery();
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public static LedgerTreeRow Tree(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3), reader.GetInt64(4), reader.GetInt64(5));

    public List<LedgerTreeRow> Trees(string where, params (string Name, object? Value)[] parameters)
    {
        using var command = Command($"SELECT {TreeColumns} FROM {schema}.ledger_trees {where} ORDER BY id", parameters);
        using var reader = command.ExecuteReader();
        var trees = new List<LedgerTreeRow>();
        while (reader.Read())
        {
            trees.Add(Tree(reader));
        }

        return trees;
    }

    public LedgerTreeRow TopLog(out string? latestNote, out long latestAt)
    {
        using (var command = Command($"SELECT note, created_at FROM {schema}.ledger_checkpoints ORDER BY id DESC LIMIT 1"))
        using (var reader = command.ExecuteReader())
        {
            (latestNote, latestAt) = reader.Read() ? (reader.GetString(0), reader.GetInt64(1)) : (null, 0L);
        }

        using (var command = Command($"SELECT top_size, top_edge FROM {schema}.ledger_state WHERE id = 1"))
        using (var reader = command.ExecuteReader())
        {
            reader.Read();
            return new LedgerTreeRow(LedgerTree.TopLevelId, "", reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), 0, 0);
        }
    }

    public IReadOnlyList<byte[]> ReadNodes(long treeId, int level, long first, long count)
    {
        using var command = Command(
            $"SELECT hash FROM {schema}.ledger_nodes WHERE tree_id = @tree AND level = @level AND node_index >= @first AND node_index < @end ORDER BY node_index",
            ("tree", treeId), ("level", level), ("first", first), ("end", first + count));
        using var reader = command.ExecuteReader();
        var hashes = new List<byte[]>();
        while (reader.Read())
        {
            hashes.Add(reader.GetFieldValue<byte[]>(0));
        }

        return hashes;
    }

    /// <summary>Writes nodes in one statement; a node written again (the level-0 hashes a purge keeps) replaces the stored one.</summary>
    public void WriteNodes(IReadOnlyList<LedgerNodeRow> nodes)
    {
        if (nodes.Count == 0)
        {
            return;
        }

        using var command = Command(
            $"""
            INSERT INTO {schema}.ledger_nodes (tree_id, level, node_index, hash)
            SELECT * FROM unnest(@trees, @levels, @indexes, @hashes)
            ON CONFLICT (tree_id, level, node_index) DO UPDATE SET hash = excluded.hash
            """);
        command.Parameters.Add(new NpgsqlParameter("trees", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = nodes.Select(static node => node.TreeId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("levels", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = nodes.Select(static node => node.Level).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("indexes", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = nodes.Select(static node => node.Index).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("hashes", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = nodes.Select(static node => node.Hash).ToArray() });
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// A partition's records in [<paramref name="fromIndex"/>, <paramref name="toIndex"/>), in index order, as stored, a
    /// page at a time: a PostgreSQL connection runs one command at a time, and callers read other rows between records.
    /// </summary>
    public IEnumerable<StoredLedgerRecord> ReadRecords(string partition, long fromIndex, long toIndex)
    {
        var next = fromIndex;
        List<StoredLedgerRecord> page;
        do
        {
            page = Records(
                $"SELECT {RecordColumns} FROM {schema}.audit_events WHERE organization_id = @partition AND partition_index >= @from AND partition_index < @to ORDER BY partition_index LIMIT {PageSize}",
                ("partition", partition), ("from", next), ("to", toIndex));
            foreach (var record in page)
            {
                yield return record;
            }

            next = page.Count > 0 ? page[^1].PartitionIndex + 1 : next;
        }
        while (page.Count == PageSize);
    }

    /// <summary>Rows of a query keyed by a growing bigint (its first column), a page at a time, for the reason <see cref="ReadRecords"/> gives.</summary>
    public IEnumerable<T> Paged<T>(string selectFrom, string key, string where, Func<NpgsqlDataReader, T> read, Func<T, long> keyOf, params (string Name, object? Value)[] parameters)
    {
        var after = long.MinValue;
        List<T> page;
        do
        {
            page = [];
            using (var command = Command($"{selectFrom} WHERE {key} > @after {where} ORDER BY {key} LIMIT {PageSize}", [.. parameters, ("after", after)]))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    page.Add(read(reader));
                }
            }

            foreach (var row in page)
            {
                yield return row;
            }

            after = page.Count > 0 ? keyOf(page[^1]) : after;
        }
        while (page.Count == PageSize);
    }

    public StoredLedgerRecord? ReadFirstOrphan() =>
        Records(
            $"""
            SELECT {RecordColumns} FROM {schema}.audit_events e
            WHERE CASE WHEN partition_index IS NULL
                THEN sequence > (SELECT coalesce(sealed_sequence, 0) FROM {schema}.ledger_state)
                ELSE NOT EXISTS (SELECT 1 FROM {schema}.ledger_trees t WHERE t.partition = e.organization_id) END
            ORDER BY sequence LIMIT 1
            """).FirstOrDefault();

    private List<StoredLedgerRecord> Records(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        using var reader = command.ExecuteReader();
        var records = new List<StoredLedgerRecord>();
        while (reader.Read())
        {
            var targetTypes = reader.GetFieldValue<string[]>(9);
            var entry = new LedgerEntry(
                reader.GetGuid(3).ToString("D"), reader.GetString(4), reader.GetString(5), reader.GetInt64(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8),
                targetTypes, reader.GetFieldValue<byte[]>(10), reader.GetString(11), reader.IsDBNull(12) ? null : reader.GetString(12));
            records.Add(new StoredLedgerRecord(reader.GetInt64(0), reader.IsDBNull(1) ? -1 : reader.GetInt64(1), reader.GetInt64(2), entry, reader.GetFieldValue<byte[]>(13), targetTypes));
        }

        return records;
    }
}
