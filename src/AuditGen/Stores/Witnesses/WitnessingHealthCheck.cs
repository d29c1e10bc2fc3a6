using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditGen.Stores.Witnesses;

/// <summary>
/// Reports the witnesses' latest answers: unhealthy when a witness holds a log this one does not extend (put back or
/// forked) or refused the checkpoint; degraded while fewer witnesses than the quorum cosigned because some could not be
/// reached, or when one was found to have lost its state; healthy otherwise or when none is configured.
/// </summary>
internal sealed class WitnessingHealthCheck(WitnessingStatus witnessing) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (witnessing.Configured == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No witness is configured."));
        }

        var latest = witnessing.Latest;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (outcome, at) in latest)
        {
            data[outcome.Witness] = outcome.Kind == WitnessOutcomeKind.Cosigned ? $"cosigned {outcome.LogSize} at {at:O}" : outcome.Problem!;
        }

        if (latest.FirstOrDefault(static entry => entry.Outcome.Kind is WitnessOutcomeKind.LogBehindWitness or WitnessOutcomeKind.Forked) is { Outcome: { } broken })
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The audit log does not extend what a witness cosigned: {broken.Problem}", data: data));
        }

        if (latest.FirstOrDefault(static entry => entry.Outcome.Kind == WitnessOutcomeKind.Refused) is { Outcome: { } refused })
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"A witness refused the audit log's checkpoint: {refused.Problem}", data: data));
        }

        var cosigned = latest.Count(static entry => entry.Outcome.IsCosigned);
        return Task.FromResult(cosigned < witnessing.Quorum || latest.Any(static entry => entry.Outcome.Kind == WitnessOutcomeKind.CosignedAfterLosingState)
            ? HealthCheckResult.Degraded(
                $"{cosigned} of {witnessing.Configured} witnesses cosigned the audit log's newest checkpoint; {witnessing.Quorum} are required. "
                    + string.Join(" ", latest.Where(static entry => entry.Outcome.Problem is not null).Select(static entry => entry.Outcome.Problem)),
                data: data)
            : HealthCheckResult.Healthy($"{cosigned} of {witnessing.Configured} witnesses cosigned the audit log's newest checkpoint.", data));
    }
}
