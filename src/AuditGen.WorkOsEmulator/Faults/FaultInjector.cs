using Microsoft.Extensions.Options;

namespace AuditGen.WorkOsEmulator.Faults;

/// <summary>Draws the configured faults; one draw per request so the rates add up to the share of faulty answers.</summary>
internal sealed class FaultInjector
{
    private readonly IOptionsMonitor<EmulatorOptions> _options;
    private readonly Random _random;
    private readonly Lock _lock = new();

    public FaultInjector(IOptionsMonitor<EmulatorOptions> options)
    {
        _options = options;
        _random = options.CurrentValue.Faults.Seed is { } seed ? new Random(seed) : new Random();
    }

    public FaultOptions Options => _options.CurrentValue.Faults;

    /// <summary>The fault for this request: a status code, -1 to drop the connection, or null for none.</summary>
    public int? Draw()
    {
        var faults = Options;
        var draw = Next();
        if (draw < faults.DropConnectionRate)
        {
            return -1;
        }

        var threshold = faults.DropConnectionRate;
        foreach (var (status, rate) in faults.StatusRates.OrderBy(static pair => pair.Key))
        {
            threshold += rate;
            if (draw < threshold)
            {
                return status;
            }
        }

        return null;
    }

    public bool DropAfterAccept() => Options.DropAfterAcceptRate > 0 && Next() < Options.DropAfterAcceptRate;

    private double Next()
    {
        lock (_lock)
        {
            return _random.NextDouble();
        }
    }
}
