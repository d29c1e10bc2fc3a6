using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.Datadog;

/// <summary>Checks <see cref="DatadogSinkOptions"/> at start-up; messages name keys, never the API key.</summary>
internal sealed class DatadogSinkOptionsValidator : IValidateOptions<DatadogSinkOptions>
{
    private static readonly string[] s_sites = ["datadoghq.com", "us3.datadoghq.com", "us5.datadoghq.com", "datadoghq.eu", "ap1.datadoghq.com", "ap2.datadoghq.com", "ddog-gov.com"];

    public ValidateOptionsResult Validate(string? name, DatadogSinkOptions options)
    {
        var failures = new OptionsFailures(DatadogSinkOptions.SectionName);
        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add($"{failures.Key(nameof(options.ApiKey))} is not set and neither is the environment variable {DatadogSinkOptions.ApiKeyEnvironmentVariable}: the Datadog sink needs an API key.");
        }

        if (options.BaseUrl is null && !s_sites.Contains(options.Site, StringComparer.Ordinal))
        {
            failures.Add($"{failures.Key(nameof(options.Site))} must be one of {string.Join(", ", s_sites)} (was '{options.Site}'), or set BaseUrl.");
        }

        if (options.BaseUrl is not null)
        {
            StreamSinkOptionsChecks.CheckAddress(failures, nameof(options.BaseUrl), options.BaseUrl, "https://http-intake.logs.datadoghq.com");
        }

        StreamSinkOptionsChecks.Check(failures, options, DatadogSinkOptions.MaxEntriesPerRequest);
        if (string.IsNullOrWhiteSpace(options.Service) || string.IsNullOrWhiteSpace(options.Source))
        {
            failures.Add($"{failures.Key(nameof(options.Service))} and {failures.Key(nameof(options.Source))} must not be empty.");
        }

        // Each log's own fields must fit the room the sink keeps beside the event (DatadogAuditSink.FieldsPerLog).
        var fields = options.Service.Length + options.Source.Length + (options.Hostname?.Length ?? 0) + options.Tags.Sum(static tag => tag.Length + 1);
        if (options.Service.Length > 100 || options.Source.Length > 100 || options.Hostname?.Length > 255 || fields > 600)
        {
            failures.Add($"{failures.Key(nameof(options.Service))} and {failures.Key(nameof(options.Source))} are at most 100 characters, {failures.Key(nameof(options.Hostname))} 255, and with {failures.Key(nameof(options.Tags))} at most 600 in all (was {fields}).");
        }

        return failures.Result;
    }
}
