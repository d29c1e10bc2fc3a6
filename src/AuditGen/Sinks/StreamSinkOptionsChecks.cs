using AuditGen.Pipeline;

namespace AuditGen.Sinks;

/// <summary>The start-up checks every log stream sink's options share.</summary>
internal static class StreamSinkOptionsChecks
{
    private static readonly string[] s_bodyHeaders = ["Content-Type", "Content-Length", "Content-Encoding", "Host", "Transfer-Encoding"];

    public static void Check(OptionsFailures failures, AuditStreamSinkOptions options, int maxBatchSize)
    {
        failures.InRange(nameof(options.MaxBatchSize), options.MaxBatchSize, 1, maxBatchSize);
        failures.Positive(nameof(options.RequestTimeout), options.RequestTimeout);
        failures.Positive(nameof(options.MaxRetryAfter), options.MaxRetryAfter);
        failures.Positive(nameof(options.PausedRetryInterval), options.PausedRetryInterval);
        foreach (var action in options.Filter.Actions)
        {
            if (string.IsNullOrWhiteSpace(action) || action.IndexOf('*', StringComparison.Ordinal) is var star and >= 0 && star != action.Length - 1)
            {
                failures.Add($"{failures.Key("Filter:Actions")} has '{action}': an action name, or a prefix ending in '*' such as user.*.");
            }
        }
    }

    /// <summary>
    /// Credentials travel with every request: https only, or http to this machine (a local receiver or collector).
    /// </summary>
    public static void CheckAddress(OptionsFailures failures, string property, Uri? address, string example)
    {
        if (address is not { IsAbsoluteUri: true } url || !(url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            failures.Add($"{failures.Key(property)} must be an https address such as {example}, or http on this machine (was {address?.ToString() ?? "not set"}).");
        }
    }

    /// <summary>
    /// Custom headers: names that are HTTP tokens, not ones the sink sets itself from the body it sends (nor
    /// <paramref name="alsoReserved"/>), and one-line values. Messages never show a value.
    /// </summary>
    public static void CheckHeaders(OptionsFailures failures, IDictionary<string, string> headers, string? alsoReserved = null)
    {
        foreach (var (header, value) in headers)
        {
            if (!IsHeaderName(header) || s_bodyHeaders.Contains(header, StringComparer.OrdinalIgnoreCase) || string.Equals(header, alsoReserved, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{failures.Key("Headers")} has '{header}', which is not a header name the sink may set.");
            }
            else if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                failures.Add($"{failures.Key($"Headers:{header}")} must be one line.");
            }
        }
    }

    public static bool IsHeaderName(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(static c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
