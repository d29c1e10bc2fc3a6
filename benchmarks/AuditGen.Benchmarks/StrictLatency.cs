using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Hosting;

namespace AuditGen.Benchmarks;

/// <summary>
/// The latency strict mode adds (issue 8, item 3): the benchmark app on 127.0.0.1 with the embedded SQLite store
/// (<c>synchronous=FULL</c>), driven open-loop at a fixed rate, alternating an after-response audited request and a
/// strict one (held until its event is committed). Both are audited, so the difference is the commit wait.
/// Not a BenchmarkDotNet suite: latency under a fixed arrival rate needs an open-loop driver.
/// </summary>
internal static class StrictLatency
{
    public static async Task<string> RunAsync(int requestsPerSecond, TimeSpan duration)
    {
        var directory = Directory.CreateTempSubdirectory("auditgen-bench-strict-").FullName;
        var app = BenchmarkApp.BenchmarkApp.Build([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration["AuditGen:Sqlite:Path"] = Path.Combine(directory, "audit.db");
        });
        await app.StartAsync();
        try
        {
            var baseUrl = app.Urls.Single();
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512 }) { BaseAddress = new Uri(baseUrl) };
            await DriveAsync(client, requestsPerSecond, TimeSpan.FromSeconds(3));
            var (afterResponse, strict, failures) = await DriveAsync(client, requestsPerSecond, duration);
            return Report(requestsPerSecond, duration, afterResponse, strict, failures);
        }
        finally
        {
            await app.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(double[] AfterResponse, double[] Strict, int Failures)> DriveAsync(HttpClient client, int requestsPerSecond, TimeSpan duration)
    {
        const int TicksPerSecond = 100;
        var perTick = requestsPerSecond / TicksPerSecond;
        var total = (int)(duration.TotalSeconds * TicksPerSecond) * perTick;
        var latencies = new double[total];
        var failures = 0;
        var pending = new List<Task>(total);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1.0 / TicksPerSecond));
        for (var sent = 0; sent < total && await timer.WaitForNextTickAsync();)
        {
            for (var i = 0; i < perTick; i++, sent++)
            {
                var index = sent;
                pending.Add(Task.Run(async () =>
                {
                    var strict = index % 2 == 1;
                    var started = Stopwatch.GetTimestamp();
                    using var response = strict
                        ? await client.PostAsync($"orgs/org_bench/strict/inv_{index}", null)
                        : await client.GetAsync($"orgs/org_bench/audited/inv_{index}");
                    latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }));
            }
        }

        await Task.WhenAll(pending);
        return (latencies.Where((_, i) => i % 2 == 0).Order().ToArray(), latencies.Where((_, i) => i % 2 == 1).Order().ToArray(), failures);
    }

    private static string Report(int requestsPerSecond, TimeSpan duration, double[] afterResponse, double[] strict, int failures)
    {
        static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Strict-mode latency at {requestsPerSecond:N0} requests/s for {duration.TotalSeconds:0} s ({afterResponse.Length + strict.Length:N0} requests, half strict; {failures} failed)");
        report.AppendLine();
        report.AppendLine("| percentile | after-response (ms) | strict (ms) | added by strict (ms) |");
        report.AppendLine("|---|---:|---:|---:|");
        foreach (var (name, p) in new[] { ("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0) })
        {
            var a = Percentile(afterResponse, p);
            var s = Percentile(strict, p);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {a:0.00} | {s:0.00} | {s - a:0.00} |");
        }

        return report.ToString();
    }
}
