using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.Https;

/// <summary>Checks <see cref="HttpsSinkOptions"/> at start-up; messages name keys, never header values or the secret.</summary>
internal sealed class HttpsSinkOptionsValidator : IValidateOptions<HttpsSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpsSinkOptions options)
    {
        var failures = new OptionsFailures(HttpsSinkOptions.SectionName);
        StreamSinkOptionsChecks.CheckAddress(failures, nameof(options.Url), options.Url, "https://siem.example.com/ingest");
        StreamSinkOptionsChecks.Check(failures, options, 10_000);
        if (!Enum.IsDefined(options.Format))
        {
            failures.Add($"{failures.Key(nameof(options.Format))} must be JsonArray or JsonLines.");
        }

        if (options.SigningSecret is { Length: < 32 })
        {
            failures.Add($"{failures.Key(nameof(options.SigningSecret))} must be at least 32 characters (e.g. the output of `openssl rand -base64 32`).");
        }

        if (!StreamSinkOptionsChecks.IsHeaderName(options.SignatureHeader))
        {
            failures.Add($"{failures.Key(nameof(options.SignatureHeader))} must be a header name such as AuditGen-Signature.");
        }

        StreamSinkOptionsChecks.CheckHeaders(failures, options.Headers, options.SignatureHeader);
        return failures.Result;
    }
}
