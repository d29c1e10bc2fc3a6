using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.Splunk;

/// <summary>Checks <see cref="SplunkSinkOptions"/> at start-up; messages name keys, never the token.</summary>
internal sealed class SplunkSinkOptionsValidator : IValidateOptions<SplunkSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, SplunkSinkOptions options)
    {
        var failures = new OptionsFailures(SplunkSinkOptions.SectionName);
        StreamSinkOptionsChecks.CheckAddress(failures, nameof(options.Url), options.Url, "https://splunk.example.com:8088");
        if (string.IsNullOrWhiteSpace(options.Token))
        {
            failures.Add($"{failures.Key(nameof(options.Token))} is not set: the Splunk sink needs an HTTP Event Collector token.");
        }

        StreamSinkOptionsChecks.Check(failures, options, 10_000);
        if (string.IsNullOrWhiteSpace(options.SourceType) || string.IsNullOrWhiteSpace(options.Source))
        {
            failures.Add($"{failures.Key(nameof(options.SourceType))} and {failures.Key(nameof(options.Source))} must not be empty.");
        }

        failures.Positive(nameof(options.AcknowledgmentPollInterval), options.AcknowledgmentPollInterval);
        failures.Positive(nameof(options.AcknowledgmentTimeout), options.AcknowledgmentTimeout);
        return failures.Result;
    }
}
