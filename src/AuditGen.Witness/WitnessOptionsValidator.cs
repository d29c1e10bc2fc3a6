using AuditGen.Ledger;
using Microsoft.Extensions.Options;

namespace AuditGen.Witness;

/// <summary>Checks <see cref="WitnessOptions"/> at start-up: a witness with a bad key or no log would only refuse.</summary>
internal sealed class WitnessOptionsValidator : IValidateOptions<WitnessOptions>
{
    public ValidateOptionsResult Validate(string? name, WitnessOptions options)
    {
        var failures = new List<string>();
        if (options.SigningKey is null)
        {
            failures.Add($"{WitnessOptions.SectionName}:SigningKey is not set: `auditgen keys generate --witness --name <witness name>` makes one.");
        }
        else if (!Cosigner.TryParse(options.SigningKey, out var cosigner, out var problem))
        {
            failures.Add($"{WitnessOptions.SectionName}:SigningKey is not a witness signing key: {problem}.");
        }
        else
        {
            cosigner!.Dispose();
        }

        if (options.Logs.Count == 0)
        {
            failures.Add($"{WitnessOptions.SectionName}:Logs names no log: add the verifier key of each log to witness.");
        }

        for (var i = 0; i < options.Logs.Count; i++)
        {
            if (!NoteVerifier.TryParse(options.Logs[i], out _, out var problem))
            {
                failures.Add($"{WitnessOptions.SectionName}:Logs:{i} is not a log's verifier key: {problem}.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            failures.Add($"{WitnessOptions.SectionName}:Database must name a file.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
