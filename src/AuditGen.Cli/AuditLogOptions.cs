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

    /// <summary>
    /// Opens the store: read-only unless the command changes it, and never creating a database that does
    /// not exist.
    /// </summary>
    public static SqliteAuditStore Open(ParseResult result, bool writable = false)
    {
        var database = result.GetValue(Database)!;
        if (!database.Exists)
        {
            throw new Stores.AuditStoreException($"'{database.FullName}' does not exist.");
        }

        return new SqliteAuditStore(database.FullName, Key(result), TimeProvider.System, readOnly: !writable);
    }

    private static byte[]? Key(ParseResult result)
    {
        var key = result.GetValue(ChainKey) ?? Environment.GetEnvironmentVariable("AUDITGEN_CHAIN_KEY");
        if (key is null)
        {
            return null;
        }

        var buffer = new byte[key.Length];
        return Convert.TryFromBase64String(key, buffer, out var length) && length >= 32
            ? buffer[..length]
            : throw new UsageException("--chain-key must be base64 of at least 32 bytes.");
    }
}

/// <summary>A command line that parsed but makes no sense; reported as exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
