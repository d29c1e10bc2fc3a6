using AuditGen.Ledger;
using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Stores;

/// <summary>Checks <see cref="AuditLedgerOptions"/> at start-up; a key that does not parse is named, never shown.</summary>
internal sealed class AuditLedgerOptionsValidator : IValidateOptions<AuditLedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditLedgerOptions options)
    {
        var failures = new OptionsFailures(AuditLedgerOptions.SectionName);
        if (options.SigningKey is { } key && LedgerSigning.Problem(key) is { } problem)
        {
            failures.Add($"{failures.Key(nameof(options.SigningKey))} is not a signing key: {problem}. `auditgen keys generate --name <log name>` makes one.");
        }

        if (options.CheckpointInterval < TimeSpan.FromMilliseconds(10) || options.CheckpointInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"{failures.Key(nameof(options.CheckpointInterval))} must be between 00:00:00.010 and 01:00:00 (was {options.CheckpointInterval}).");
        }

        return failures.Result;
    }
}
