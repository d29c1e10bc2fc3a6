using AuditGen.Events.Json;
using AuditGen.Pipeline;
using AuditGen.Stores.PostgreSql;
using AuditGen.Stores.Sqlite;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AuditGen.Benchmarks;

/// <summary>
/// Group commit in each store (issue 8, item 3; issue 9): one batch of fresh events appended in one transaction with
/// the hash chain, on SQLite (WAL, <c>synchronous=FULL</c>) and on PostgreSQL (head-row lock, binary <c>COPY</c>,
/// a local server with <c>fsync=on</c>), in the same run. Events per second = batch size / mean time.
/// PostgreSQL comes from <c>AUDITGEN_BENCH_POSTGRES</c>, which <c>benchmarks/run.sh</c> sets after starting a server.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks : IDisposable
{
    private string _directory = "";
    private IReadableAuditStore? _store;
    private string? _schema;
    private AuditEntry[] _batch = [];

    [Params("sqlite", "postgresql")]
    public string Store { get; set; } = "";

    [Params(100, 500)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void CreateStore()
    {
        if (Store == "sqlite")
        {
            _directory = Directory.CreateTempSubdirectory("auditgen-bench-").FullName;
            _store = new SqliteAuditStore(Path.Combine(_directory, "audit.db"), null, TimeProvider.System);
            return;
        }

        var connectionString = Environment.GetEnvironmentVariable("AUDITGEN_BENCH_POSTGRES")
            ?? throw new InvalidOperationException("AUDITGEN_BENCH_POSTGRES is not set: run the benchmarks with benchmarks/run.sh, which starts a PostgreSQL server.");
        _schema = $"bench_{Guid.NewGuid():N}";
        _store = new PostgreSqlAuditStore(connectionString, _schema, null, TimeProvider.System);
    }

    /// <summary>Fresh event ids every iteration: the stores skip ids they already hold.</summary>
    [IterationSetup]
    public void PrepareBatch() =>
        _batch = Enumerable.Range(0, BatchSize).Select(_ =>
        {
            var auditEvent = BenchmarkEvents.MemberAdded();
            return new AuditEntry(auditEvent, WorkOsJson.SerializeEvent(auditEvent), [], null);
        }).ToArray();

    [Benchmark]
    public ValueTask AppendBatch() => _store!.AppendAsync(_batch, CancellationToken.None);

    [GlobalCleanup]
    public void Dispose()
    {
        (_store as IDisposable)?.Dispose();
        if (Store == "sqlite")
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
        else if (_schema is not null)
        {
            using var connection = new NpgsqlConnection(Environment.GetEnvironmentVariable("AUDITGEN_BENCH_POSTGRES"));
            connection.Open();
            using var drop = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE", connection);
            drop.ExecuteNonQuery();
        }

        GC.SuppressFinalize(this);
    }
}
