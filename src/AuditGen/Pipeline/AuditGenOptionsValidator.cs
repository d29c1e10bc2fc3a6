using System.Globalization;
using Microsoft.Extensions.Options;

namespace AuditGen.Pipeline;

/// <summary>Checks <see cref="AuditGenOptions"/> at start-up; each failure names the configuration key and the value it got.</summary>
internal sealed class AuditGenOptionsValidator : IValidateOptions<AuditGenOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditGenOptions options)
    {
        var failures = new OptionsFailures(AuditGenOptions.SectionName);
        failures.InRange(nameof(options.QueueCapacity), options.QueueCapacity, 1, 1_000_000);
        failures.InRange(nameof(options.StoreBatchSize), options.StoreBatchSize, 1, 10_000);
        failures.InRange(nameof(options.DeliveryBatchSize), options.DeliveryBatchSize, 1, 10_000);
        failures.InRange(nameof(options.MaxFieldLength), options.MaxFieldLength, 64, 1_048_576);
        failures.Positive(nameof(options.StoreRetryDelay), options.StoreRetryDelay);
        failures.Positive(nameof(options.DeliveryRetryDelay), options.DeliveryRetryDelay);
        failures.Positive(nameof(options.DeliveryPollInterval), options.DeliveryPollInterval);
        failures.Positive(nameof(options.StrictCommitTimeout), options.StrictCommitTimeout);
        if (options.RetentionPeriod is { } retention)
        {
            failures.Positive(nameof(options.RetentionPeriod), retention);
        }
        if (options.DeliveryMode is not (AuditDeliveryMode.AfterResponse or AuditDeliveryMode.BeforeResponse))
        {
            failures.Add($"{failures.Key(nameof(options.DeliveryMode))} must be AfterResponse or BeforeResponse (was {options.DeliveryMode}).");
        }
        if (!Enum.IsDefined(options.QueueFullMode))
        {
            failures.Add($"{failures.Key(nameof(options.QueueFullMode))} must be Wait or Spill (was {(int)options.QueueFullMode}).");
        }

        if (options.QueueFullWait != Timeout.InfiniteTimeSpan && (options.QueueFullWait < TimeSpan.Zero || options.QueueFullWait > TimeSpan.FromHours(1)))
        {
            failures.Add($"{failures.Key(nameof(options.QueueFullWait))} must be between 00:00:00 and 01:00:00, or -00:00:00.001 to wait as long as it takes (was {options.QueueFullWait}).");
        }

        var spills = options.QueueFullMode == AuditQueueFullMode.Spill || options.QueueFullWait != Timeout.InfiniteTimeSpan;
        if (spills && string.IsNullOrWhiteSpace(options.SpillPath))
        {
            failures.Add($"{failures.Key(nameof(options.SpillPath))} must name the spill file when QueueFullMode is Spill or QueueFullWait is limited.");
        }

        foreach (var (action, version) in options.SchemaVersions)
        {
            if (version < 1)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{failures.Key("SchemaVersions:" + action)} must be a WorkOS schema version, 1 or more (was {version})."));
            }
        }

        if (!Enum.IsDefined(options.OversizedStringValues))
        {
            failures.Add($"{failures.Key(nameof(options.OversizedStringValues))} must be Truncate or Reject (was {(int)options.OversizedStringValues}).");
        }

        return failures.Result;
    }
}
