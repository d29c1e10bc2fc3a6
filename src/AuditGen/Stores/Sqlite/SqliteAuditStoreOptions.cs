namespace AuditGen.Stores.Sqlite;

/// <summary>The embedded SQLite store's settings, bound from <c>AuditGen:Sqlite</c>.</summary>
public sealed class SqliteAuditStoreOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:Sqlite";

    /// <summary>The database file; a relative path is under the application's content root (default <c>auditgen.db</c>).</summary>
    public string Path { get; set; } = "auditgen.db";

    /// <summary>
    /// A base64 key (at least 32 bytes) that signs the chain head and retention checkpoints with HMAC-SHA256.
    /// Keep it outside the database: with it, even someone who rewrites the whole chain is detected.
    /// Without it the chain still detects edits, deletions and reordering of individual records.
    /// </summary>
    public string? ChainKey { get; set; }
}
