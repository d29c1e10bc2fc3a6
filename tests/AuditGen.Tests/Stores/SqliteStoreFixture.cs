using AuditGen.Events;
using AuditGen.Pipeline;
using AuditGen.Stores.Sqlite;
using AuditGen.Tests.Contracts;
using Microsoft.Data.Sqlite;

namespace AuditGen.Tests.Stores;

/// <summary>A fresh directory for one test's database files, removed afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("auditgen-sqlite-").FullName;

    public string Path => System.IO.Path.Combine(_directory, "audit.db");

    public string Directory => _directory;

    /// <summary>
    /// Opens the store. With <paramref name="key"/>, checkpoints are signed with a log key that stands for it (the same
    /// key bytes always give the same log key), and a chain a previous version wrote is checked with it. Every
    /// integration round makes a checkpoint, so what a test appends is committed before it tampers.
    /// </summary>
    public SqliteAuditStore Open(byte[]? key = null, TimeProvider? clock = null, bool readOnly = false) =>
        new(Path, key, clock ?? TimeProvider.System, readOnly, LedgerKeys.SettingsFor(key));

    /// <summary>A direct connection, as someone tampering with the file would use.</summary>
    public SqliteConnection Tamper()
    {
        var connection = new SqliteConnection($"Data Source={Path};Pooling=False");
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(_directory, recursive: true);
    }
}

internal static class StoreEntries
{
    private static readonly AuditEventPreparer s_preparer = new(OversizedStringValueHandling.Truncate);

    public static AuditEntry Entry(string organization = "org_1", string action = "team.renamed", string actorId = "user_1", string? actorName = "Ada", string targetType = "team", DateTimeOffset? occurredAt = null) =>
        s_preparer.Prepare(new AuditEvent
        {
            OrganizationId = organization,
            Action = action,
            OccurredAt = occurredAt ?? new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero),
            Actor = new AuditActor { Type = "user", Id = actorId, Name = actorName },
            Targets = [new AuditTarget { Type = targetType, Id = "t_1" }],
            Context = new AuditContext { Location = "127.0.0.1" },
            Metadata = new AuditMetadata { ["note"] = "x" },
        });

    public static AuditEntry[] Entries(int count) => Enumerable.Range(0, count).Select(_ => Entry()).ToArray();

    /// <summary>An event with one target of each given type, in order (none when none are given).</summary>
    public static AuditEntry EntryWithTargets(params string[] targetTypes) =>
        s_preparer.Prepare(new AuditEvent
        {
            OrganizationId = "org_1",
            Action = "team.renamed",
            OccurredAt = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero),
            Actor = new AuditActor { Type = "user", Id = "user_1" },
            Targets = targetTypes.Select((type, i) => new AuditTarget { Type = type, Id = $"t_{i}" }).ToArray(),
            Context = new AuditContext { Location = "127.0.0.1" },
        });

    public static void Execute(this SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>A clock the test moves by hand (Microsoft.Extensions.TimeProvider.Testing is not served here).</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
