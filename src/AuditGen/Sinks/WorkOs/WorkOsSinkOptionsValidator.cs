using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.WorkOs;

/// <summary>Checks <see cref="WorkOsSinkOptions"/> at start-up; messages name the key, never the API key's value.</summary>
internal sealed class WorkOsSinkOptionsValidator : IValidateOptions<WorkOsSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkOsSinkOptions options)
    {
        var failures = new OptionsFailures(WorkOsSinkOptions.SectionName);
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add($"{failures.Key(nameof(options.ApiKey))} is not set and neither is the environment variable {WorkOsSinkOptions.ApiKeyEnvironmentVariable}: the WorkOS sink needs an API key.");
        }

        // The key travels in a header: plain http is allowed only to this machine (the local emulator).
        if (options.BaseUrl is not { IsAbsoluteUri: true } url || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            failures.Add($"{failures.Key(nameof(options.BaseUrl))} must be an https address such as https://api.workos.com, or http on this machine for the emulator (was {options.BaseUrl}).");
        }

        failures.InRange(nameof(options.MaxConcurrency), options.MaxConcurrency, 1, 64);
        failures.InRange(nameof(options.RequestsPerMinute), options.RequestsPerMinute, 0, 1_000_000);
        failures.InRange(nameof(options.MaxRetryAttempts), options.MaxRetryAttempts, 0, 10);
        failures.Positive(nameof(options.RequestTimeout), options.RequestTimeout);
        failures.Positive(nameof(options.RetryBaseDelay), options.RetryBaseDelay);
        failures.Positive(nameof(options.MaxRetryAfter), options.MaxRetryAfter);
        failures.Positive(nameof(options.PausedRetryInterval), options.PausedRetryInterval);
        return failures.Result;
    }
}
