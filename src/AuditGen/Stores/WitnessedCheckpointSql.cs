namespace AuditGen.Stores;

/// <summary>
/// The newest checkpoint the witnesses cosigned, kept with the log (one row) for exports and the viewer, in SQL both
/// databases speak; <c>prefix</c> names the log's tables. Instances keep only a checkpoint at least as large as the kept one.
/// </summary>
internal static class WitnessedCheckpointSql
{
    public static string Keep(string prefix) =>
        $"""
        INSERT INTO {prefix}ledger_witnessed AS kept (id, size, note, witnessed_at) VALUES (1, @size, @note, @at)
        ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note, witnessed_at = excluded.witnessed_at
        WHERE excluded.size >= kept.size
        """;

    public static string Read(string prefix) => $"SELECT note FROM {prefix}ledger_witnessed WHERE id = 1";
}
