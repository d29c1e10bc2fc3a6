using AuditGen.Ledger;
using Microsoft.Data.Sqlite;

namespace AuditGen.Stores.Sqlite;

/// <summary>The ledger rows that integration, verification and purging all read or write the same way.</summary>
internal static class SqliteLedgerRows
{
    public static LedgerTreeRow Tree(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3), reader.GetInt64(4), reader.GetInt64(5));

    public static LedgerTreeRow TopLog(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT top_size, top_edge FROM ledger_state WHERE id = 1";
        using var reader = command.ExecuteReader();
        reader.Read();
        return new LedgerTreeRow(LedgerTree.TopLevelId, "", reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), 0, 0);
    }

    public static void WriteNodes(SqliteConnection connection, SqliteTransaction transaction, IReadOnlyList<LedgerNodeRow> nodes)
    {
        if (nodes.Count == 0)
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT OR REPLACE INTO ledger_nodes (tree_id, level, node_index, hash) VALUES ($tree, $level, $index, $hash)";
        var tree = command.Parameters.Add(new SqliteParameter { ParameterName = "$tree" });
        var level = command.Parameters.Add(new SqliteParameter { ParameterName = "$level" });
        var index = command.Parameters.Add(new SqliteParameter { ParameterName = "$index" });
        var hash = command.Parameters.Add(new SqliteParameter { ParameterName = "$hash" });
        foreach (var node in nodes)
        {
            tree.Value = node.TreeId;
            level.Value = node.Level;
            index.Value = node.Index;
            hash.Value = node.Hash;
            command.ExecuteNonQuery();
        }
    }

    public static IReadOnlyList<byte[]> ReadNodes(SqliteConnection connection, SqliteTransaction? transaction, long treeId, int level, long first, long count)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT hash FROM ledger_nodes WHERE tree_id = $tree AND level = $level AND node_index >= $first AND node_index < $end ORDER BY node_index";
        command.Parameters.AddWithValue("$tree", treeId);
        command.Parameters.AddWithValue("$level", level);
        command.Parameters.AddWithValue("$first", first);
        command.Parameters.AddWithValue("$end", first + count);
        using var reader = command.ExecuteReader();
        var hashes = new List<byte[]>();
        while (reader.Read())
        {
            hashes.Add(reader.GetFieldValue<byte[]>(0));
        }

        return hashes;
    }
}
