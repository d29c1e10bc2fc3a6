using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuditGen.Pipeline;

namespace AuditGen.Tests.TestSupport;

/// <summary>
/// Listens to AuditGen's meter of one host (meters from <see cref="IMeterFactory"/> carry it as their scope,
/// so hosts of tests running in parallel are not counted) and adds up what each counter reported.
/// </summary>
internal sealed class MetricCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new();
    private readonly ConcurrentDictionary<string, bool> _observed = new();
    private readonly ConcurrentDictionary<string, ConcurrentBag<(double Value, Dictionary<string, string?> Tags)>> _recorded = new();

    public MetricCollector(IMeterFactory scope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AuditGenMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, total) => total + value));
        _listener.SetMeasurementEventCallback<int>((instrument, _, _, _) => _observed[instrument.Name] = true);
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            _recorded.GetOrAdd(instrument.Name, static _ => []).Add((value, tags.ToArray().ToDictionary(static tag => tag.Key, static tag => tag.Value?.ToString()))));
        _listener.Start();
    }

    public long Total(string instrument)
    {
        _listener.RecordObservableInstruments();
        return _totals.GetValueOrDefault(instrument);
    }

    /// <summary>What a histogram recorded: each value with its tags.</summary>
    public IReadOnlyList<(double Value, Dictionary<string, string?> Tags)> Recorded(string instrument) =>
        _recorded.TryGetValue(instrument, out var values) ? [.. values] : [];

    public IEnumerable<string> ObservedInstruments()
    {
        _listener.RecordObservableInstruments();
        return _observed.Keys;
    }

    public void Dispose() => _listener.Dispose();
}
