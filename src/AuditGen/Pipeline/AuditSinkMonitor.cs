using System.Collections.Concurrent;

namespace AuditGen.Pipeline;

/// <summary>What the delivery loops last saw of each sink, for the health check: last success and whether the sink is paused.</summary>
internal sealed class AuditSinkMonitor(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, AuditSinkStatus> _statuses = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, AuditSinkStatus> Statuses => _statuses;

    public void Started(string sink) => _statuses.TryAdd(sink, new AuditSinkStatus(null, null, null));

    /// <summary>Another instance sharing the store delivers this sink; this one waits to take over.</summary>
    public void StandingBy(string sink) => _statuses.AddOrUpdate(sink, _ => new AuditSinkStatus(null, null, null, StandingBy: true), (_, status) => status with { StandingBy = true });

    public void Leased(string sink) => _statuses.AddOrUpdate(sink, _ => new AuditSinkStatus(null, null, null), (_, status) => status with { StandingBy = false });

    public void Delivered(string sink)
    {
        var now = timeProvider.GetUtcNow();
        _statuses.AddOrUpdate(sink, _ => new AuditSinkStatus(now, null, null), (_, status) => status with { LastDeliveredAt = now, PausedSince = null, PauseReason = null });
    }

    /// <returns><see langword="true"/> when the sink was delivering until now: the pause is news, worth one log line.</returns>
    public bool Paused(string sink, string reason)
    {
        var now = timeProvider.GetUtcNow();
        var status = _statuses.AddOrUpdate(
            sink,
            _ => new AuditSinkStatus(null, now, reason),
            (_, status) => status with { PausedSince = status.PausedSince ?? now, PauseReason = reason });
        return status.PausedSince == now;
    }
}

/// <summary>One sink's delivery health.</summary>
/// <param name="LastDeliveredAt">When the sink last took an entry.</param>
/// <param name="PausedSince">When the sink paused (e.g. WorkOS answered 401), or <see langword="null"/> while it delivers.</param>
/// <param name="PauseReason">Why it paused.</param>
/// <param name="StandingBy">Whether another instance sharing the store delivers it.</param>
internal sealed record AuditSinkStatus(DateTimeOffset? LastDeliveredAt, DateTimeOffset? PausedSince, string? PauseReason, bool StandingBy = false);
