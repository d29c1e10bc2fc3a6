using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.AspNetCore;

/// <summary>Checks <see cref="AuditHttpOptions"/> at start-up.</summary>
internal sealed class AuditHttpOptionsValidator : IValidateOptions<AuditHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditHttpOptions options)
    {
        var failures = new OptionsFailures(AuditHttpOptions.SectionName);
        failures.InRange(nameof(options.MaxUserAgentLength), options.MaxUserAgentLength, 16, 8_192);
        return failures.Result;
    }
}
