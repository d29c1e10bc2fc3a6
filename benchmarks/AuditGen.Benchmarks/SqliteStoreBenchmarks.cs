using AuditGen.Events.Json;
using AuditGen.Pipeline;
using AuditGen.Stores.Sqlite;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;

namespace AuditGen.Benchmarks;

/// <summary>
/// The embedded store's group commit: one batch of fresh events appended in one transaction, with the
/// hash chain and <c>synchronous=FULL</c> (issue 8, item 3). Events per second = batch size / mean time.
/// </summary>
[MemoryDiagnoser]
public class SqliteStoreBenchmarks : IDisposable
{
    private string _directory = "";
    private SqliteAuditStore? _store;
    private AuditEntry[] _batch = [];

    [Params(100, 500)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void CreateStore()
    {
        _directory = Directory.CreateTempSubdirectory("auditgen-bench-").FullName;
        _store = new SqliteAuditStore(Path.Combine(_directory, "audit.db"), null, TimeProvider.System);
    }

    /// <summary>Fresh event ids every iteration: the store skips ids it already holds.</summary>
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
        _store?.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }
}
