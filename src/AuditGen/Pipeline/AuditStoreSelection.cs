namespace AuditGen.Pipeline;

/// <summary>
/// Which store the application chose (<c>UseSqlite()</c>, the default, <c>UsePostgreSql()</c> or <c>UseInMemoryStore()</c>),
/// so that a store's settings are checked at start-up only when that store is the one in use.
/// </summary>
internal sealed record AuditStoreSelection(string Store)
{
    public const string Sqlite = "SQLite";
}
