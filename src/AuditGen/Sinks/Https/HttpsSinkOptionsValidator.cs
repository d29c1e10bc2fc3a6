using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.Https;

/// <summary>Checks <see cref="HttpsSinkOptions"/> at start-up; messages name keys, never header values or the secret.</summary>
internal sealed class HttpsSinkOptionsValidator : IValidateOptions<HttpsSinkOptions>
{
    // Set by the sink itself from the body it sends.
    private static readonly string[] s_reservedHeaders = ["Content-Type", "Content-Length", "Content-Encoding", "Host", "Transfer-Encoding"];

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

        if (!IsToken(options.SignatureHeader))
        {
            failures.Add($"{failures.Key(nameof(options.SignatureHeader))} must be a header name such as AuditGen-Signature.");
        }

        foreach (var (header, value) in options.Headers)
        {
            if (!IsToken(header) || s_reservedHeaders.Contains(header, StringComparer.OrdinalIgnoreCase) || string.Equals(header, options.SignatureHeader, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{failures.Key("Headers")} has '{header}', which is not a header name the sink may set.");
            }
            else if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                failures.Add($"{failures.Key($"Headers:{header}")} must be one line.");
            }
        }

        return failures.Result;
    }

    private static bool IsToken(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(static c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
