namespace AuditGen.WorkOs.Tests.TestSupport;

/// <summary>A real SQLite file in its own temporary directory, removed afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("auditgen-workos-").FullName;

    public string Path => System.IO.Path.Combine(_directory, "audit.db");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
