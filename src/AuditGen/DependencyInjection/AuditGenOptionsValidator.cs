using System.Globalization;
using Microsoft.Extensions.Options;

namespace AuditGen.DependencyInjection;

/// <summary>Checks <see cref="AuditGenOptions"/> at start-up; each failure names the configuration key and the value it got.</summary>
internal sealed class AuditGenOptionsValidator : IValidateOptions<AuditGenOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditGenOptions options)
    {
        var failures = new List<string>();
        InRange(nameof(options.QueueCapacity), options.QueueCapacity, 1, 1_000_000, failures);
        InRange(nameof(options.StoreBatchSize), options.StoreBatchSize, 1, 10_000, failures);
        InRange(nameof(options.DeliveryBatchSize), options.DeliveryBatchSize, 1, 10_000, failures);
        Positive(nameof(options.StoreRetryDelay), options.StoreRetryDelay, failures);
        Positive(nameof(options.DeliveryRetryDelay), options.DeliveryRetryDelay, failures);
        Positive(nameof(options.DeliveryPollInterval), options.DeliveryPollInterval, failures);
        Positive(nameof(options.StrictCommitTimeout), options.StrictCommitTimeout, failures);
        if (options.RetentionPeriod is { } retention)
        {
            Positive(nameof(options.RetentionPeriod), retention, failures);
        }
        if (options.DeliveryMode is not (Pipeline.AuditDeliveryMode.AfterResponse or Pipeline.AuditDeliveryMode.BeforeResponse))
        {
            failures.Add($"{Key(nameof(options.DeliveryMode))} must be AfterResponse or BeforeResponse (was {options.DeliveryMode}).");
        }
        InRange("Http:" + nameof(options.Http.MaxUserAgentLength), options.Http.MaxUserAgentLength, 16, 8_192, failures);
        if (!Enum.IsDefined(options.QueueFullMode))
        {
            failures.Add($"{Key(nameof(options.QueueFullMode))} must be Wait or Spill (was {(int)options.QueueFullMode}).");
        }

        if (options.QueueFullMode == Pipeline.AuditQueueFullMode.Spill && string.IsNullOrWhiteSpace(options.SpillPath))
        {
            failures.Add($"{Key(nameof(options.SpillPath))} must name the spill file when QueueFullMode is Spill.");
        }

        if (string.IsNullOrWhiteSpace(options.PostgreSql.ConnectionString))
        {
            if (string.IsNullOrWhiteSpace(options.Sqlite.Path))
            {
                failures.Add($"{Key("Sqlite:Path")} must name the audit database file.");
            }

            ChainKey("Sqlite:ChainKey", options.Sqlite.ChainKey, failures);
        }
        else
        {
            if (!Stores.PostgreSql.PostgreSqlAuditStore.IsIdentifier(options.PostgreSql.Schema))
            {
                failures.Add($"{Key("PostgreSql:Schema")} must be a plain PostgreSQL identifier: lower-case letters, digits and _ (was '{options.PostgreSql.Schema}').");
            }

            ChainKey("PostgreSql:ChainKey", options.PostgreSql.ChainKey, failures);
        }

        foreach (var (action, version) in options.SchemaVersions)
        {
            if (version < 1)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key("SchemaVersions:" + action)} must be a WorkOS schema version, 1 or more (was {version})."));
            }
        }

        if (!Enum.IsDefined(options.OversizedStringValues))
        {
            failures.Add($"{Key(nameof(options.OversizedStringValues))} must be Truncate or Reject (was {(int)options.OversizedStringValues}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void InRange(string property, int value, int min, int max, List<string> failures)
    {
        if (value < min || value > max)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key(property)} must be between {min:N0} and {max:N0} (was {value:N0})."));
        }
    }

    private static void Positive(string property, TimeSpan value, List<string> failures)
    {
        if (value <= TimeSpan.Zero)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key(property)} must be a positive time span such as 00:00:05 (was {value})."));
        }
    }

    private static void ChainKey(string property, string? value, List<string> failures)
    {
        if (value is not null && !IsKey(value))
        {
            failures.Add($"{Key(property)} must be base64 of at least 32 bytes (e.g. the output of `openssl rand -base64 32`).");
        }
    }

    private static bool IsKey(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var length) && length >= 32;
    }

    private static string Key(string property) => $"{AuditGenOptions.SectionName}:{property}";
}
