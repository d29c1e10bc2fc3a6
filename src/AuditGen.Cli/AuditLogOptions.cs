using System.CommandLine;
using AuditGen.Stores.Sqlite;

namespace AuditGen.Cli;

/// <summary>The options every command shares: which database, and the key its chain is signed with.</summary>
internal static class AuditLogOptions
{
    public static Option<FileInfo> Database { get; } = new("--db")
    {
        Description = "The AuditGen SQLite database (AuditGen:Sqlite:Path of the application).",
        Required = true,
    };

    public static Option<string?> ChainKey { get; } = new("--chain-key")
    {
        Description = "The base64 key of AuditGen:Sqlite:ChainKey, when the application signs its chain (default: $AUDITGEN_CHAIN_KEY).",
    };

    /// <summary>Opens the store; a database that does not exist is an error here, never created.</summary>
    public static SqliteAuditStore Open(ParseResult result)
    {
        var database = result.GetValue(Database)!;
        if (!database.Exists)
        {
            throw new Stores.AuditStoreException($"'{database.FullName}' does not exist.");
        }

        var key = result.GetValue(ChainKey) ?? Environment.GetEnvironmentVariable("AUDITGEN_CHAIN_KEY");
        return new SqliteAuditStore(database.FullName, key is null ? null : Convert.FromBase64String(key), TimeProvider.System);
    }
}
