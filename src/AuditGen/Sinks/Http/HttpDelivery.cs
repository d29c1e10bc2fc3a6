using System.Net;
using System.Text;
using AuditGen.Pipeline;

namespace AuditGen.Sinks.Http;

/// <summary>
/// One request of an HTTP sink and the rules every HTTP destination shares for its answer: 2xx delivered; 401 and 403
/// pause the sink until its credentials work, and so does a redirect (redirects are not followed: the address needs
/// fixing); 408, 425, 429 and 5xx, a dropped connection or no answer in time are retried (after <c>Retry-After</c> when
/// given); any other 4xx is refused for good. What a destination said is kept,
/// bounded and with the credentials cut out.
/// </summary>
internal static class HttpDelivery
{
    /// <summary>How much of an answer's body is read: a destination cannot make the sink buffer more.</summary>
    private const int MaxReadBody = 16 * 1024;

    private const int MaxKeptText = 1_000;

    private static readonly TimeSpan s_minRetryAfter = TimeSpan.FromMilliseconds(100);

    /// <summary>Sends <paramref name="request"/> (disposing it) and returns the answer, or the retry a failure to get one means.</summary>
    public static async Task<(HttpAnswer? Answer, AuditDeliveryResult? Failure)> SendAsync(
        HttpClient client,
        HttpRequestMessage request,
        string destination,
        AuditStreamSinkOptions options,
        string?[] credentials,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(options.RequestTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using (request)
            using (var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token))
            {
                await using var stream = await response.Content.ReadAsStreamAsync(linked.Token);
                var body = Encoding.UTF8.GetString(await ReadBoundedAsync(stream, linked.Token));
                return (Answer(response, body, options, credentials, timeProvider), null);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return (null, AuditDeliveryResult.Retry($"no answer from {destination} within {options.RequestTimeout}"));
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            return (null, Unreachable(destination, exception, credentials));
        }
    }

    /// <summary>What <paramref name="response"/> said, as kept: its <c>Retry-After</c> bounded, its description scrubbed.</summary>
    public static HttpAnswer Answer(HttpResponseMessage response, string body, AuditStreamSinkOptions options, string?[] credentials, TimeProvider timeProvider)
    {
        var retryAfter = RetryAfter(response, timeProvider.GetUtcNow(), s_minRetryAfter, options.MaxRetryAfter);
        return new HttpAnswer(response.StatusCode, body, retryAfter, Describe(response.StatusCode, response.ReasonPhrase, body, credentials));
    }

    /// <summary>A failure to get an answer, described with the credentials cut out.</summary>
    public static AuditDeliveryResult Unreachable(string destination, Exception exception, string?[] credentials) =>
        AuditDeliveryResult.Retry($"cannot reach {destination}: {DestinationText.Scrub(exception.Message, MaxKeptText, credentials)}");

    /// <summary>The shared rules for an answer no destination-specific rule settled.</summary>
    public static AuditDeliveryResult Settle(HttpAnswer answer, string destination, AuditStreamSinkOptions options)
    {
        var status = (int)answer.Status;
        if (status is >= 200 and < 300)
        {
            return AuditDeliveryResult.Delivered;
        }

        if (IsAuthorizationFailure(answer.Status))
        {
            return AuditDeliveryResult.Pause($"{destination} refused the credentials: {answer.Description}", options.PausedRetryInterval);
        }

        if (status is >= 300 and < 400)
        {
            return AuditDeliveryResult.Pause($"{destination} redirected the request ({answer.Description}); set the address it redirects to", options.PausedRetryInterval);
        }

        if (IsTransient(answer.Status) || status < 400)
        {
            return AuditDeliveryResult.Retry($"{destination} answered {answer.Description}", answer.RetryAfter);
        }

        return AuditDeliveryResult.DeadLetter($"{destination} refused it: {answer.Description}");
    }

    /// <summary>Worth retrying: the same request may succeed later.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or (HttpStatusCode)425 || (int)status >= 500;

    /// <summary>The credentials are refused: nothing will pass until they are fixed.</summary>
    public static bool IsAuthorizationFailure(HttpStatusCode status) =>
        status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden;

    /// <summary>
    /// The wait a <c>Retry-After</c> header asks for (seconds or an HTTP date), between <paramref name="floor"/> (so that
    /// <c>0</c> or a past date cannot make a tight loop) and <paramref name="cap"/>.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now, TimeSpan floor, TimeSpan cap)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        return wait is { } value ? TimeSpan.FromTicks(Math.Clamp(value.Ticks, Math.Min(floor.Ticks, cap.Ticks), cap.Ticks)) : null;
    }

    private static string Describe(HttpStatusCode status, string? reason, string body, string?[] credentials)
    {
        var description = new StringBuilder().Append((int)status).Append(' ').Append(reason ?? status.ToString());
        if (body.Length > 0)
        {
            description.Append(": ").Append(body);
        }

        return DestinationText.Scrub(description.ToString(), MaxKeptText, credentials);
    }

    /// <summary>At most <see cref="MaxReadBody"/> bytes of an answer's body.</summary>
    public static async Task<byte[]> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxReadBody];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return buffer[..length];
    }

    /// <summary>At most <see cref="MaxReadBody"/> bytes of an answer's body, for a handler on the synchronous path.</summary>
    public static byte[] ReadBounded(Stream body)
    {
        var buffer = new byte[MaxReadBody];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = body.Read(buffer, length, buffer.Length - length)) > 0)
        {
            length += read;
        }

        return buffer[..length];
    }
}

/// <summary>What a destination answered.</summary>
/// <param name="Status">The status code.</param>
/// <param name="Body">The first 16 KB of the body.</param>
/// <param name="RetryAfter">The wait its <c>Retry-After</c> asked for, bounded.</param>
/// <param name="Description">The status and body as kept beside a dead letter or logged: bounded, credentials cut out.</param>
internal sealed record HttpAnswer(HttpStatusCode Status, string Body, TimeSpan? RetryAfter, string Description);
