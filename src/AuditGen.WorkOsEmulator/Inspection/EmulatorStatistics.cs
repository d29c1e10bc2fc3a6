using System.Collections.Concurrent;

namespace AuditGen.WorkOsEmulator.Inspection;

/// <summary>What the emulator has answered, for tests and benchmarks (<c>GET /_emulator/stats</c>).</summary>
internal sealed class EmulatorStatistics
{
    private long _accepted;
    private long _replayed;
    private readonly ConcurrentDictionary<int, long> _refused = new();
    private readonly ConcurrentDictionary<string, long> _injected = new(StringComparer.Ordinal);

    public void Accepted() => Interlocked.Increment(ref _accepted);

    public void Replayed() => Interlocked.Increment(ref _replayed);

    public void Refused(int status) => _refused.AddOrUpdate(status, 1, static (_, count) => count + 1);

    public void Injected(string fault) => _injected.AddOrUpdate(fault, 1, static (_, count) => count + 1);

    public object ToResponse() => new
    {
        accepted = Interlocked.Read(ref _accepted),
        replayed = Interlocked.Read(ref _replayed),
        refused = _refused.OrderBy(static pair => pair.Key).ToDictionary(static pair => pair.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), static pair => pair.Value),
        injected = _injected.OrderBy(static pair => pair.Key, StringComparer.Ordinal).ToDictionary(static pair => pair.Key, static pair => pair.Value),
    };
}
