using System.Collections.Concurrent;
using System.Text;
using AuditGen.Sinks.Http;

namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>
/// Sits between the OpenTelemetry SDK's OTLP exporter and the network: adds the configured headers to each export and
/// keeps what the collector answered (status, <c>Retry-After</c>, its <c>google.rpc.Status</c> message, the records a
/// partial success refused) or why no answer came, since the exporter itself reports only success or failure.
/// </summary>
internal sealed class OtlpAnswerRecorder(OpenTelemetrySinkOptions options, TimeProvider timeProvider) : DelegatingHandler
{
    private readonly ConcurrentQueue<OtlpAnswer> _answers = new();

    private readonly string?[] _credentials = [.. options.Headers.Values];

    public string?[] Credentials => _credentials;

    /// <summary>Forgets the answers so far, before a new batch is exported.</summary>
    public void Clear() => _answers.Clear();

    /// <summary>The answers since <see cref="Clear"/>, in order.</summary>
    public IReadOnlyList<OtlpAnswer> Snapshot() => [.. _answers];

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        AddHeaders(request);
        HttpResponseMessage? response = null;
        try
        {
            response = base.Send(request, cancellationToken);
            using var body = response.Content.ReadAsStream(cancellationToken);
            return Keep(response, HttpDelivery.ReadBounded(body));
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            response?.Dispose();
            _answers.Enqueue(new OtlpAnswer(null, 0, null, exception));
            throw;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        AddHeaders(request);
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return Keep(response, await HttpDelivery.ReadBoundedAsync(body, cancellationToken));
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            response?.Dispose();
            _answers.Enqueue(new OtlpAnswer(null, 0, null, exception));
            throw;
        }
    }

    private void AddHeaders(HttpRequestMessage request)
    {
        foreach (var (header, value) in options.Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }
    }

    /// <summary>
    /// Keeps the answer and hands the exporter the same body to read, bounded like every sink's: a collector cannot make
    /// the sink buffer more.
    /// </summary>
    private HttpResponseMessage Keep(HttpResponseMessage response, byte[] body)
    {
        var isProtobuf = response.Content.Headers.ContentType?.MediaType == "application/x-protobuf";
        var success = response.IsSuccessStatusCode;
        var (rejected, message) = isProtobuf ? (success ? OtlpResponse.PartialSuccess(body) : (0, OtlpResponse.StatusMessage(body))) : (0, null);
        var text = message ?? (isProtobuf ? "" : Encoding.UTF8.GetString(body));
        _answers.Enqueue(new OtlpAnswer(HttpDelivery.Answer(response, text, options, _credentials, timeProvider), rejected, message, null));

        var replacement = new ByteArrayContent(body);
        foreach (var header in response.Content.Headers.Where(static header => header.Key != "Content-Length"))
        {
            replacement.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        response.Content.Dispose();
        response.Content = replacement;
        return response;
    }
}

/// <summary>One export's outcome: the collector's answer, or why there was none.</summary>
/// <param name="Http">The answer, when one came.</param>
/// <param name="Rejected">How many records a partial success said the collector refused.</param>
/// <param name="Message">The collector's own message (partial success or <c>google.rpc.Status</c>).</param>
/// <param name="Failure">Why no answer came.</param>
internal sealed record OtlpAnswer(HttpAnswer? Http, long Rejected, string? Message, Exception? Failure);
