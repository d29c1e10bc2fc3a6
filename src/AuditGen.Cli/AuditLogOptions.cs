using System.CommandLine;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.PostgreSql;
using AuditGen.Stores.Sqlite;

namespace AuditGen.Cli;

/// <summary>The options every command shares: which audit log (a SQLite file or a PostgreSQL schema), and the keys its checkpoints (or chain) are signed with.</summary>
internal static class AuditLogOptions
{
    private const string PostgresEnvironmentVariable = "AUDITGEN_POSTGRES";

    public static Option<FileInfo?> Database { get; } = new("--db")
    {
        Description = "The AuditGen SQLite database (AuditGen:Sqlite:Path of the application).",
    };

    public static Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = $"A PostgreSQL connection string (AuditGen:PostgreSql:ConnectionString), instead of --db (default: ${PostgresEnvironmentVariable}, which keeps a password off the command line).",
    };

    public static Option<string> Schema { get; } = new("--schema")
    {
        Description = "With PostgreSQL, the schema of AuditGen's tables (AuditGen:PostgreSql:Schema).",
        DefaultValueFactory = static _ => "auditgen",
    };

    public static Option<string?> ChainKey { get; } = new("--chain-key")
    {
        Description = "The base64 key of AuditGen's ChainKey, when the application signs its chain (default: $AUDITGEN_CHAIN_KEY).",
    };

    public static Option<string?> VerifierKey { get; } = new("--verifier-key")
    {
        Description = "The log's public verifier key (name+id+key), to check that its checkpoints are signed by the log's key (default: $AUDITGEN_VERIFIER_KEY).",
    };

    public static Option<bool> ReadOnly { get; } = new("--read-only")
    {
        Description = "Only read the log (a copy under investigation): nothing is written into it, so this access is not recorded in it.",
    };

    public static Option<string?> SigningKey { get; } = new("--signing-key")
    {
        Description = "The log's signing key (AuditGen:Ledger:SigningKey), for commands that commit to what they change (default: $AUDITGEN_SIGNING_KEY).",
    };

    /// <summary>Adds the options that name the audit log.</summary>
    public static void AddTo(Command command)
    {
        command.Options.Add(Database);
        command.Options.Add(Postgres);
        command.Options.Add(Schema);
    }

    /// <summary>
    /// Opens the audit log: a SQLite file read-only unless the command changes it, or a PostgreSQL schema. Never creates
    /// a log that does not exist. A command that records its access (<paramref name="recordsAccess"/>) takes
    /// <c>--read-only</c>, which leaves its access unrecorded.
    /// </summary>
    public static async Task<OpenedAuditLog> OpenAsync(ParseResult result, CancellationToken cancellationToken, bool writable = false, bool recordsAccess = false)
    {
        var readOnly = recordsAccess && result.GetValue(ReadOnly);
        var database = result.GetValue(Database);
        var postgres = result.GetValue(Postgres);
        if (database is not null && postgres is not null)
        {
            throw new UsageException("Name one audit log: --db (SQLite) or --postgres (PostgreSQL), not both.");
        }

        if (database is null && (postgres ?? Environment.GetEnvironmentVariable(PostgresEnvironmentVariable)) is { Length: > 0 } connectionString)
        {
            var schema = result.GetValue(Schema)!;
            if (!PostgreSqlAuditStore.IsIdentifier(schema))
            {
                throw new UsageException($"--schema must be a plain PostgreSQL identifier: lower-case letters, digits and _ (was '{schema}').");
            }

            if (!await PostgreSqlAuditStore.HoldsAuditLogAsync(connectionString, schema, cancellationToken))
            {
                throw new AuditStoreException($"The PostgreSQL schema '{schema}' holds no AuditGen audit log.");
            }

            var ledger = Ledger(result);
            var store = new PostgreSqlAuditStore(connectionString, schema, Key(result), TimeProvider.System, ledger, migrate: false);
            return new OpenedAuditLog(store, store.ChecksSignatures, ledger, readOnly ? ReadOnlyReason : null);
        }

        if (database is null)
        {
            throw new UsageException($"Name the audit log: --db FILE (SQLite), or --postgres CONNECTION or ${PostgresEnvironmentVariable} (PostgreSQL).");
        }

        if (Directory.Exists(database.FullName))
        {
            throw new AuditStoreException($"'{database.FullName}' is a directory; --db names the audit database file in it (AuditGen:Sqlite:Path, e.g. {Path.Combine(database.FullName, "auditgen.db")}).");
        }

        if (!database.Exists)
        {
            throw new AuditStoreException($"'{database.FullName}' does not exist.");
        }

        var sqliteLedger = Ledger(result);
        var sqlite = new SqliteAuditStore(database.FullName, Key(result), TimeProvider.System, readOnly: !writable, ledger: sqliteLedger);
        return new OpenedAuditLog(sqlite, sqlite.ChecksSignatures, sqliteLedger, readOnly ? ReadOnlyReason : null);
    }

    private const string ReadOnlyReason = "--read-only was given";

    /// <summary>The ledger settings the command line gives: a signing key (which also verifies), or a verifier key, or neither.</summary>
    private static LedgerSettings Ledger(ParseResult result)
    {
        if ((result.GetValue(SigningKey) ?? Environment.GetEnvironmentVariable("AUDITGEN_SIGNING_KEY")) is { Length: > 0 } signingKey)
        {
            try
            {
                return LedgerSettings.SignedWith(signingKey, LedgerSettings.Unsigned.CheckpointInterval);
            }
            catch (FormatException exception)
            {
                throw new UsageException($"--signing-key is not a signing key: {exception.Message}.");
            }
        }

        if ((result.GetValue(VerifierKey) ?? Environment.GetEnvironmentVariable("AUDITGEN_VERIFIER_KEY")) is { Length: > 0 } verifierKey)
        {
            try
            {
                return LedgerSettings.VerifiedWith(verifierKey);
            }
            catch (FormatException exception)
            {
                throw new UsageException($"--verifier-key is not a verifier key: {exception.Message}.");
            }
        }

        return LedgerSettings.Unsigned;
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

/// <summary>An audit log opened by a command, and whether its chain's signatures can be checked.</summary>
internal sealed class OpenedAuditLog(IReadableAuditStore log, bool checksSignatures, LedgerSettings ledger, string? accessNotRecordedReason = null) : IDisposable
{
    public IReadableAuditStore Log { get; } = log;

    /// <summary>Why this command's access cannot be recorded in the log (it is opened read-only), or <see langword="null"/>.</summary>
    public string? AccessNotRecordedReason { get; } = accessNotRecordedReason;

    /// <summary>The keys the command line gave, which the ledger is verified with.</summary>
    public LedgerSettings Ledger { get; } = ledger;

    public bool ChecksSignatures { get; } = checksSignatures;

    /// <summary>
    /// A warning when events are committed but not yet in the log (a SQLite log whose application stopped before
    /// integrating them): what the command shows leaves them out. Null when there are none.
    /// </summary>
    public async Task<string?> UnintegratedWarningAsync(CancellationToken cancellationToken) =>
        Log is SqliteAuditStore sqlite && await sqlite.CountUnintegratedAsync(cancellationToken) is > 0 and var events
            ? $"{events.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} committed events are not in the log yet, and not counted here: they are added when the application, or a command that writes (purge), next opens it."
            : null;

    public void Dispose() => (Log as IDisposable)?.Dispose();
}

/// <summary>A command line that parsed but makes no sense; reported as exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
