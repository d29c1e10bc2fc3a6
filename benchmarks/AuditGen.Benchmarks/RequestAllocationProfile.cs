using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace AuditGen.Benchmarks;

/// <summary>
/// Where the request path's added bytes go: the runtime's sampled allocation events (one per ~100 KB allocated,
/// naming the type being allocated) while the audited and the unaudited minimal-API endpoint each serve the same
/// number of requests through <see cref="RequestPathBenchmarks"/>'s in-process pipeline. The difference per type,
/// scaled to bytes per request, is the profile of what auditing allocates.
/// </summary>
internal static class RequestAllocationProfile
{
    private const int Requests = 200_000;

    public static async Task<string> RunAsync()
    {
        var benchmarks = new RequestPathBenchmarks();
        benchmarks.StartApp();
        try
        {
            var audited = await SampleAsync(benchmarks.MinimalApiAudited);
            var unaudited = await SampleAsync(benchmarks.MinimalApiUnaudited);
            var exact = await ExactBytesAsync(benchmarks.MinimalApiAudited) - await ExactBytesAsync(benchmarks.MinimalApiUnaudited);
            return Report(audited, unaudited) + string.Create(CultureInfo.InvariantCulture, $"\nExact, every thread, audited minus unaudited: {exact:N0} bytes per request.\n");
        }
        finally
        {
            benchmarks.StopApp();
        }
    }

    private static async Task<Dictionary<string, long>> SampleAsync(Func<Task<HttpContext>> request)
    {
        for (var i = 0; i < 20_000; i++)
        {
            await request();
        }

        using var listener = new AllocationListener();
        for (var i = 0; i < Requests; i++)
        {
            await request();
        }

        await Task.Delay(500);
        return new Dictionary<string, long>(listener.BytesByType);
    }

    /// <summary>All bytes the process allocates per request (every thread), sequential requests after a warm-up.</summary>
    private static async Task<double> ExactBytesAsync(Func<Task<HttpContext>> request)
    {
        for (var i = 0; i < 20_000; i++)
        {
            await request();
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Requests; i++)
        {
            await request();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Requests;
    }

    private static string Report(Dictionary<string, long> audited, Dictionary<string, long> unaudited)
    {
        var rows = audited.Keys.Union(unaudited.Keys)
            .Select(type => (Type: type, Added: (audited.GetValueOrDefault(type) - unaudited.GetValueOrDefault(type)) / (double)Requests))
            .Where(row => row.Added > 8)
            .OrderByDescending(row => row.Added)
            .Take(15);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Sampled allocations, audited minus unaudited, bytes per request ({Requests:N0} requests each):");
        report.AppendLine();
        report.AppendLine("| type | added bytes per request (sampled) |");
        report.AppendLine("|---|---:|");
        foreach (var (type, added) in rows)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| `{type}` | {added:N0} |");
        }

        var total = (audited.Values.Sum() - unaudited.Values.Sum()) / (double)Requests;
        report.AppendLine(CultureInfo.InvariantCulture, $"| total | {total:N0} |");
        return report.ToString();
    }

    /// <summary>Listens to the runtime's <c>GCAllocationTick</c> events and adds up the bytes they stand for, per type.</summary>
    private sealed class AllocationListener : EventListener
    {
        private const int AllocationTickEventId = 10;

        public ConcurrentDictionary<string, long> BytesByType { get; } = new(StringComparer.Ordinal);

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventId != AllocationTickEventId || eventData.PayloadNames is null)
            {
                return;
            }

            var type = eventData.Payload![eventData.PayloadNames.IndexOf("TypeName")] as string ?? "?";
            var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
            var amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture) : 100_000;
            BytesByType.AddOrUpdate(type, amount, (_, total) => total + amount);
        }
    }
}
