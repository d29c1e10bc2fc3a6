using AuditGen.Export;
using AuditGen.Pipeline;
using AuditGen.Tests.Stores;

namespace AuditGen.Tests.Export;

/// <summary>
/// Tests that measure the live managed heap run alone, after the others: the heap is the whole process's, so objects
/// that tests running alongside hold would count as the export's.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurements
{
    public const string Name = "memory measurements";
}

[Collection(MemoryMeasurements.Name)]
public sealed class ExportMemoryTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact]
    public async Task A_million_record_export_streams_in_constant_memory()
    {
        const int Records = 1_000_000;
        using (var store = _database.Open())
        {
            await store.AppendAsync(StoreEntries.Entries(1), CancellationToken.None);
        }

        // Export reads rows, not the chain: cloning the first row a million times is enough, and takes seconds.
        using (var clone = _database.Tamper())
        {
            clone.Execute($"""
                WITH RECURSIVE n(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM n WHERE i < {Records})
                INSERT INTO audit_events (sequence, event_id, organization_id, action, occurred_at, actor_id, actor_name, event_json, adjustments, rejection, stored_at, hash)
                SELECT i, printf('00000000-0000-7000-8000-%012d', i), e.organization_id, e.action, e.occurred_at, e.actor_id, e.actor_name, e.event_json, e.adjustments, e.rejection, e.stored_at, e.hash
                FROM n, (SELECT * FROM audit_events WHERE sequence = 1) e;
                """);
        }

        using var log = _database.Open(readOnly: true);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        var output = new HeapSamplingStream();

        var count = await AuditExporter.ExportAsync(log, new AuditQuery(), AuditExportFormat.Csv, output, CancellationToken.None);

        Assert.Equal(Records, count);
        Assert.True(output.Length > 150_000_000, $"the export wrote {output.Length:N0} bytes");

        // Holding the records (objects, JSON arrays, strings) or the output would take hundreds of megabytes; streaming holds a few buffers.
        var growth = output.PeakHeap - baseline;
        Assert.True(growth < 16 * 1024 * 1024, $"the live managed heap grew by {growth:N0} bytes while {output.Length:N0} bytes were exported");
    }

    public void Dispose() => _database.Dispose();

    /// <summary>
    /// Discards what is written, and samples the live heap every few megabytes. A full collection first counts only
    /// what the export still holds, not garbage awaiting collection, whose amount depends on the machine's GC budgets.
    /// </summary>
    private sealed class HeapSamplingStream : Stream
    {
        private long _length;
        private long _nextSample;

        public long PeakHeap { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _length += buffer.Length;
            if (_length >= _nextSample)
            {
                _nextSample = _length + 4_000_000;
                PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(forceFullCollection: true));
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
