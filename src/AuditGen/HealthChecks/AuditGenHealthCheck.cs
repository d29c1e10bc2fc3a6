using System.Globalization;
using AuditGen.Pipeline;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditGen.HealthChecks;

/// <summary>
/// Reports each sink's delivery: <see cref="HealthStatus.Unhealthy"/> while a sink is paused (say, WorkOS
/// refuses the API key), <see cref="HealthStatus.Degraded"/> while a backlog waits and nothing was delivered
/// lately, healthy otherwise. The data holds, per sink, the backlog, the last success and the pause reason. A sink that
/// another instance sharing the store delivers is reported as standing by and counts as healthy here.
/// </summary>
internal sealed class AuditGenHealthCheck(AuditSinkMonitor monitor, IAuditStore store, TimeProvider timeProvider) : IHealthCheck
{
    /// <summary>How long a sink may go without a delivery while it has a backlog before it counts as degraded.</summary>
    public static readonly TimeSpan StallThreshold = TimeSpan.FromMinutes(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<AuditSinkState> sinkStates;
        try
        {
            sinkStates = store is IAuditLog log ? await log.GetSinkStatesAsync(cancellationToken) : [];
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The audit store cannot be read.", exception);
        }

        var now = timeProvider.GetUtcNow();
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var paused = new List<string>();
        var stalled = new List<string>();
        foreach (var (sink, status) in monitor.Statuses.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var backlog = sinkStates.FirstOrDefault(state => state.Sink == sink)?.Backlog;
            data[$"{sink}.backlog"] = backlog is null ? "unknown" : backlog.Value;
            data[$"{sink}.last_delivered_at"] = status.LastDeliveredAt?.ToString("O", CultureInfo.InvariantCulture) ?? "never";
            data[$"{sink}.paused"] = status.PausedSince is not null;
            data[$"{sink}.standing_by"] = status.StandingBy;
            if (status.StandingBy)
            {
                // Another instance sharing the store delivers this sink; its own health check speaks for it.
                continue;
            }

            if (status.PausedSince is { } since)
            {
                data[$"{sink}.paused_since"] = since.ToString("O", CultureInfo.InvariantCulture);
                data[$"{sink}.pause_reason"] = status.PauseReason ?? "";
                paused.Add($"{sink} ({status.PauseReason})");
            }
            else if (backlog > 0 && (status.LastDeliveredAt is null || now - status.LastDeliveredAt > StallThreshold))
            {
                stalled.Add($"{sink} ({backlog} waiting)");
            }
        }

        if (paused.Count > 0)
        {
            return HealthCheckResult.Unhealthy($"Audit delivery is paused for: {string.Join(", ", paused)}. Events are kept and wait.", data: data);
        }

        return stalled.Count > 0
            ? HealthCheckResult.Degraded($"Audit delivery has made no progress for {StallThreshold.TotalMinutes:0} minutes: {string.Join(", ", stalled)}.", data: data)
            : HealthCheckResult.Healthy("Audit delivery is up to date or progressing.", data);
    }
}
