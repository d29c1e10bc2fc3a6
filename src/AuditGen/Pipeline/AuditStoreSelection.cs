namespace AuditGen.Pipeline;

/// <summary>
/// Which store the application uses, and whether it chose it (<c>UseSqlite()</c>, <c>UsePostgreSql()</c>,
/// <c>UseInMemoryStore()</c>) or got the SQLite default. A store's settings are checked at start-up only when that
/// store is in use.
/// </summary>
internal sealed record AuditStoreSelection(string Store, bool ChosenExplicitly)
{
    public const string Sqlite = "SQLite";
    public const string PostgreSql = "PostgreSQL";
    public const string InMemory = "in-memory";

    public static AuditStoreSelection SqliteByDefault { get; } = new(Sqlite, ChosenExplicitly: false);
}
