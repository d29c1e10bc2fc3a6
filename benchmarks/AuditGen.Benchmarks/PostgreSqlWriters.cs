using System.Diagnostics;
using System.Globalization;
using System.Text;
using AuditGen.Pipeline;
using AuditGen.Stores.PostgreSql;

namespace AuditGen.Benchmarks;

/// <summary>
/// Several writer processes appending to one PostgreSQL log at once (issue 13's scale-out): each process is an
/// application instance with its own store, appending batches of 500 one after another for a while, and integrating in
/// the background as every instance does. The run then waits until the log has caught up (every record integrated and
/// readable) and verifies it. Events per second are counted both to the last append and to the catch-up.
/// </summary>
internal static class PostgreSqlWriters
{
    private const int BatchSize = 500;

    public static async Task<string> RunAsync(int writers, TimeSpan duration, int organizations)
    {
        var connectionString = Environment.GetEnvironmentVariable("AUDITGEN_BENCH_POSTGRES")
            ?? throw new InvalidOperationException("AUDITGEN_BENCH_POSTGRES is not set: run benchmarks/writers.sh, which starts a PostgreSQL server.");
        var schema = $"writers_{writers}_{Guid.NewGuid():N}";
        using (var store = new PostgreSqlAuditStore(connectionString, schema, null, TimeProvider.System))
        {
            await store.CountAsync(new AuditQuery(), CancellationToken.None);
        }

        var clock = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, writers).Select(writer =>
        {
            var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
            foreach (var argument in (string[])["ledger-pg-writer", schema, duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), organizations.ToString(CultureInfo.InvariantCulture), writer.ToString(CultureInfo.InvariantCulture)])
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["AUDITGEN_BENCH_POSTGRES"] = connectionString;
            return Process.Start(start)!;
        }).ToArray();

        long appended = 0;
        var appendSeconds = 0.0;
        foreach (var process in processes)
        {
            // Each writer prints how many events it appended and in how long, once its appends are done.
            var line = (await process.StandardOutput.ReadLineAsync())!.Split(' ');
            appended += long.Parse(line[0], CultureInfo.InvariantCulture);
            appendSeconds = Math.Max(appendSeconds, double.Parse(line[1], CultureInfo.InvariantCulture));
        }

        foreach (var process in processes)
        {
            await process.WaitForExitAsync();
        }

        using var log = new PostgreSqlAuditStore(connectionString, schema, null, TimeProvider.System);
        var stored = await log.CountAsync(new AuditQuery(), CancellationToken.None);
        var caughtUp = clock.Elapsed;
        var verified = await log.VerifyAsync(CancellationToken.None);
        return new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"writers: {writers}, organizations: {organizations:N0}, batches of {BatchSize}, appending for {appendSeconds:F1} s")
            .AppendLine(CultureInfo.InvariantCulture, $"events: {appended:N0} appended, {stored:N0} stored, log verifies: {verified.IsIntact} ({verified.RecordsChecked:N0} records)")
            .AppendLine(CultureInfo.InvariantCulture, $"committed: {appended / appendSeconds:N0} events/s; caught up (integrated and readable): {appended / caughtUp.TotalSeconds:N0} events/s after {caughtUp.TotalSeconds:F1} s")
            .ToString();
    }

    /// <summary>One writer process: appends for <paramref name="duration"/>, prints "events seconds", then lets its store integrate what it sequenced.</summary>
    public static async Task WriteAsync(string schema, TimeSpan duration, int organizations, int seed)
    {
        var connectionString = Environment.GetEnvironmentVariable("AUDITGEN_BENCH_POSTGRES")!;
        var feed = new EventFeed(organizations, seed);
        using var store = new PostgreSqlAuditStore(connectionString, schema, null, TimeProvider.System);
        long appended = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            // Preparing a batch of fresh events costs about 0.1 ms, against milliseconds for the commit.
            await store.AppendAsync(feed.NextBatch(BatchSize), CancellationToken.None);
            appended += BatchSize;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{appended} {clock.Elapsed.TotalSeconds:F3}"));
    }
}
