using AuditGen.Events.Json;
using AuditGen.Pipeline;
using AuditGen.Stores.Sqlite;
using AuditGen.WorkOsEmulator;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.Benchmarks;

/// <summary>
/// Delivery to WorkOS (issue 8, item 5): stored events sent to the local emulator on 127.0.0.1 by the WorkOS sink,
/// with the client-side rate limit lifted, without faults and with 30% injected faults (500, 503, 429, dropped
/// connections before and after acceptance). The emulator runs in the same process, so it shares the 2 cores.
/// Each invocation starts a host on a store of fresh events and ends when the emulator holds them all;
/// the reported time is per event (events per second = 1 s / mean).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class DeliveryBenchmarks
{
    private const int Events = 2_000;

    private const string ApiKey = "sk_test_benchmark";

    private string _directory = "";
    private WebApplication? _emulator;
    private int _round;

    [Params(0, 30)]
    public int FaultPercent { get; set; }

    [IterationSetup]
    public void StoreFreshEventsAndStartEmulator()
    {
        _directory = Directory.CreateTempSubdirectory("auditgen-bench-delivery-").FullName;
        using (var store = new SqliteAuditStore(DatabasePath, null, TimeProvider.System))
        {
            var entries = Enumerable.Range(0, Events).Select(_ =>
            {
                var auditEvent = BenchmarkEvents.MemberAdded();
                return new AuditEntry(auditEvent, WorkOsJson.SerializeEvent(auditEvent), [], null);
            }).ToArray();
            store.AppendAsync(entries, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        var share = FaultPercent / 100.0;
        _emulator = WorkOsEmulatorApp.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Emulator:ApiKeys:0"] = ApiKey,
                ["Emulator:Faults:StatusRates:500"] = Invariant(share * 0.25),
                ["Emulator:Faults:StatusRates:503"] = Invariant(share * 0.25),
                ["Emulator:Faults:StatusRates:429"] = Invariant(share * 0.2),
                ["Emulator:Faults:DropConnectionRate"] = Invariant(share * 0.15),
                ["Emulator:Faults:DropAfterAcceptRate"] = Invariant(share * 0.15),
                ["Emulator:Faults:RetryAfterSeconds"] = "0",
                ["Emulator:Faults:Seed"] = Invariant(++_round),
            });
        });
        _emulator.StartAsync().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = Events)]
    public async Task DeliverToEmulator()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditGen:Sqlite:Path"] = DatabasePath,
            ["AuditGen:DeliveryBatchSize"] = "500",
            ["AuditGen:DeliveryRetryDelay"] = "00:00:00.050",
            ["AuditGen:WorkOs:BaseUrl"] = _emulator!.Urls.Single(),
            ["AuditGen:WorkOs:ApiKey"] = ApiKey,
            ["AuditGen:WorkOs:RequestsPerMinute"] = "0",
            ["AuditGen:WorkOs:MaxConcurrency"] = "16",
            ["AuditGen:WorkOs:RetryBaseDelay"] = "00:00:00.010",
        });
        builder.Services.AddAuditGen().AddWorkOsSink();
        using var host = builder.Build();
        await host.StartAsync();
        var log = host.Services.GetRequiredService<IAuditLog>();
        while ((await log.GetStatisticsAsync(CancellationToken.None)).Sinks.SingleOrDefault()?.Backlog is not 0)
        {
            await Task.Delay(5);
        }

        await host.StopAsync();
    }

    [IterationCleanup]
    public void StopEmulator()
    {
        _emulator!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    private static string Invariant(double value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
