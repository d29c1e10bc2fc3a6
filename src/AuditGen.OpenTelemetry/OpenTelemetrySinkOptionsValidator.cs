using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>Checks <see cref="OpenTelemetrySinkOptions"/> at start-up; messages name keys, never header values.</summary>
internal sealed class OpenTelemetrySinkOptionsValidator : IValidateOptions<OpenTelemetrySinkOptions>
{
    public ValidateOptionsResult Validate(string? name, OpenTelemetrySinkOptions options)
    {
        var failures = new OptionsFailures(OpenTelemetrySinkOptions.SectionName);
        StreamSinkOptionsChecks.CheckAddress(failures, nameof(options.Endpoint), options.Endpoint, "https://collector.example.com:4318/v1/logs");
        StreamSinkOptionsChecks.Check(failures, options, 10_000);
        StreamSinkOptionsChecks.CheckHeaders(failures, options.Headers);
        if (string.IsNullOrWhiteSpace(options.ServiceName) || options.ServiceName.Length > 256)
        {
            failures.Add($"{failures.Key(nameof(options.ServiceName))} must be 1 to 256 characters.");
        }

        return failures.Result;
    }
}
