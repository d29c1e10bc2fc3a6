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

        for (var i = 0; i < options.Witnesses.Count; i++)
        {
            if (!WitnessEndpoint.TryParse(options.Witnesses[i], out _, out var witnessProblem))
            {
                failures.Add($"{failures.Key($"{nameof(options.Witnesses)}:{i}")}: {witnessProblem}.");
            }
        }

        if (options.Witnesses.Count > 0 && options.SigningKey is null)
        {
            failures.Add($"{failures.Key(nameof(options.Witnesses))} needs {failures.Key(nameof(options.SigningKey))}: a witness cosigns only checkpoints signed with the log's key.");
        }

        if (options.WitnessQuorum is { } quorum && (quorum < 1 || quorum > options.Witnesses.Count))
        {
            failures.Add($"{failures.Key(nameof(options.WitnessQuorum))} must be between 1 and the number of witnesses, {options.Witnesses.Count} (was {quorum}).");
        }

        if (options.WitnessInterval < TimeSpan.FromSeconds(1) || options.WitnessInterval > TimeSpan.FromDays(1))
        {
            failures.Add($"{failures.Key(nameof(options.WitnessInterval))} must be between 00:00:01 and 1.00:00:00 (was {options.WitnessInterval}).");
        }

        return failures.Result;
    }
}
