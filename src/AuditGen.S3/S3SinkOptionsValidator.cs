using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.S3;

/// <summary>Checks <see cref="S3SinkOptions"/> at start-up; messages name keys, never the secret.</summary>
internal sealed class S3SinkOptionsValidator : IValidateOptions<S3SinkOptions>
{
    public ValidateOptionsResult Validate(string? name, S3SinkOptions options)
    {
        var failures = new OptionsFailures(S3SinkOptions.SectionName);
        if (string.IsNullOrWhiteSpace(options.Bucket))
        {
            failures.Add($"{failures.Key(nameof(options.Bucket))} is not set: the S3 sink needs a bucket.");
        }

        if (options.ServiceUrl is not null)
        {
            StreamSinkOptionsChecks.CheckAddress(failures, nameof(options.ServiceUrl), options.ServiceUrl, "https://storage.googleapis.com");
        }

        if (string.IsNullOrEmpty(options.AccessKeyId) != string.IsNullOrEmpty(options.SecretAccessKey))
        {
            failures.Add($"{failures.Key(nameof(options.AccessKeyId))} and {failures.Key(nameof(options.SecretAccessKey))} are set together or not at all.");
        }

        if (options.Prefix.Length > 256 || options.Prefix.StartsWith('/'))
        {
            failures.Add($"{failures.Key(nameof(options.Prefix))} must not start with '/' and is at most 256 characters.");
        }

        StreamSinkOptionsChecks.Check(failures, options, 100_000);
        return failures.Result;
    }
}
