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
        if (options.Endpoint is { IsAbsoluteUri: true, AbsolutePath: "/" })
        {
            failures.Add($"{failures.Key(nameof(options.Endpoint))} must include the logs path, such as {options.Endpoint}v1/logs: the exporter posts to it as given.");
        }

        StreamSinkOptionsChecks.Check(failures, options, OtlpExportPipeline.MaxBatchSize);
        StreamSinkOptionsChecks.CheckHeaders(failures, options.Headers);
        if (string.IsNullOrWhiteSpace(options.ServiceName) || options.ServiceName.Length > 256)
        {
            failures.Add($"{failures.Key(nameof(options.ServiceName))} must be 1 to 256 characters.");
        }

        return failures.Result;
    }
}
