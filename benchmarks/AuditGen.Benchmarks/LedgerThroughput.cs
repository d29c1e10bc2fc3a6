using System.Diagnostics;
using System.Globalization;
using System.Text;
using AuditGen.Pipeline;
using AuditGen.Stores.Sqlite;
using Microsoft.Data.Sqlite;

namespace AuditGen.Benchmarks;

/// <summary>
/// The ledger's sustained rate on SQLite (issue 13): batches of 500 prepared events appended for a while (each batch
/// sequenced with its own fsync), then the run waits until integration has caught up (every record in its
/// organization's tree, the indexes written, a checkpoint made). Events per second and CPU per event are counted up
/// to that point, not only to the last append. Feeding the events costs a fraction of a microsecond each, and that CPU
/// is taken out: this measures the store.
/// </summary>
internal static class LedgerThroughput
{
    public static async Task<string> RunAsync(int organizations, TimeSpan duration, TimeSpan checkpointInterval)
    {
        const int BatchSize = 500;
        var directory = Directory.CreateTempSubdirectory("auditgen-ledger-").FullName;
        try
        {
            var feed = new EventFeed(organizations, 13);
            var batches = new Queue<AuditEntry[]>();
            var store = new SqliteAuditStore(Path.Combine(directory, "audit.db"), null, TimeProvider.System, ledger: AuditGen.Ledger.LedgerSettings.Unsigned with { CheckpointInterval = checkpointInterval });
            await store.AppendAsync(feed.NextBatch(1), CancellationToken.None);

            var process = Process.GetCurrentProcess();
            long appended = 0;
            TimeSpan preparing = TimeSpan.Zero;
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                // Preparing the next batches is not the store's work: its CPU is measured and taken out.
                if (batches.Count == 0)
                {
                    var before = process.TotalProcessorTime;
                    for (var i = 0; i < 20; i++)
                    {
                        batches.Enqueue(feed.NextBatch(BatchSize));
                    }

                    process.Refresh();
                    preparing += process.TotalProcessorTime - before;
                }

                await store.AppendAsync(batches.Dequeue(), CancellationToken.None);
                appended += BatchSize;
            }

            var sequencedIn = clock.Elapsed;

            var caughtUp = await store.CountAsync(new AuditQuery(), CancellationToken.None);
            await store.IntegrateAsync(forceCheckpoint: true, CancellationToken.None);
            var elapsed = clock.Elapsed;
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore - preparing;
            var verified = await store.VerifyAsync(CancellationToken.None);
            store.Dispose();
            SqliteConnection.ClearAllPools();

            return new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"organizations: {organizations:N0}, batches of {BatchSize}, appending for {sequencedIn.TotalSeconds:F1} s, a checkpoint every {checkpointInterval.TotalSeconds:F0} s")
                .AppendLine(CultureInfo.InvariantCulture, $"events: {appended:N0} appended, {caughtUp - 1:N0} integrated and readable at catch-up, log verifies: {verified.IsIntact} ({verified.RecordsChecked:N0} records)")
                .AppendLine(CultureInfo.InvariantCulture, $"sequenced: {appended / sequencedIn.TotalSeconds:N0} events/s; caught up (integrated, indexed, checkpointed): {appended / elapsed.TotalSeconds:N0} events/s after {elapsed.TotalSeconds:F1} s")
                .AppendLine(CultureInfo.InvariantCulture, $"store CPU: {cpu.TotalMicroseconds / appended:F2} us per event (event preparation excluded: {preparing.TotalSeconds:F1} s)")
                .ToString();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}
