namespace AuditGen.Stores.PostgreSql;

/// <summary>
/// The PostgreSQL store's settings, bound from <c>AuditGen:PostgreSql</c>: for several application instances that
/// share one audit log. <c>AddAuditGen().UsePostgreSql()</c> chooses this store.
/// </summary>
public sealed class PostgreSqlAuditStoreOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:PostgreSql";

    /// <summary>An Npgsql connection string, e.g. <c>Host=db;Database=app;Username=app;Password=...</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The PostgreSQL schema that holds AuditGen's tables (default <c>auditgen</c>); created when missing.</summary>
    public string Schema { get; set; } = "auditgen";

    /// <summary>A base64 key (at least 32 bytes) that signs the chain head and retention checkpoints, as for SQLite.</summary>
    public string? ChainKey { get; set; }
}
