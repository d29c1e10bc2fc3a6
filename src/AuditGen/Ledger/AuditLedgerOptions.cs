namespace AuditGen.Ledger;

/// <summary>How the audit log signs its checkpoints, bound from <c>AuditGen:Ledger</c>.</summary>
public sealed class AuditLedgerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:Ledger";

    /// <summary>
    /// The log's signing key, in the signed-note form <c>PRIVATE+KEY+name+id+key</c> (<c>auditgen keys generate</c> makes
    /// one). Keep it outside the database, like any secret. Its name is the log's origin, the first line of every
    /// checkpoint. Without it checkpoints are unsigned: they still catch edits, but not someone who rewrites the log and
    /// its checkpoints together.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>The longest a new record waits before the top-level log commits to it (default 1 second).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);
}
