using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AuditGen.Pipeline;
using AuditGen.Sinks.Http;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.Splunk;

/// <summary>
/// Posts batches to a Splunk HTTP Event Collector (<c>POST /services/collector/event</c>): event objects one after
/// another, each with <c>time</c> (when the action happened), <c>host</c>, <c>source</c>, <c>sourcetype</c>,
/// <c>index</c>, the WorkOS event as <c>event</c> and the event id in <c>fields</c>. With indexer acknowledgment a
/// batch counts as delivered only once <c>/services/collector/ack</c> says it is indexed. HEC has no idempotency key:
/// delivery is at least once.
/// </summary>
internal sealed class SplunkAuditSink : IAuditBatchSink
{
    public const string SinkName = "splunk";

    public const string HttpClientName = "AuditGen.Splunk";

    private const string Destination = "Splunk";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptionsMonitor<SplunkSinkOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly string _channel;

    public SplunkAuditSink(IHttpClientFactory httpClientFactory, IOptionsMonitor<SplunkSinkOptions> options, TimeProvider timeProvider)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
        _timeProvider = timeProvider;
        _channel = (options.CurrentValue.Channel ?? Guid.NewGuid()).ToString();
    }

    public string Name => SinkName;

    public int MaxBatchSize => _options.CurrentValue.MaxBatchSize;

    /// <summary>A request's bound: well under HEC's default <c>max_content_length</c>.</summary>
    public int MaxBatchBytes => 8 * 1024 * 1024;

    public AuditSinkFilter Filter => _options.CurrentValue.Filter;

    public async ValueTask<AuditDeliveryResult> DeliverBatchAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        var client = _httpClientFactory.CreateClient(HttpClientName);
        var (answer, failure) = await SendAsync(client, "services/collector/event", Body(entries, options), options, cancellationToken);
        if (failure is not null)
        {
            return failure;
        }

        var result = Settle(answer!, options);
        if (result.Outcome != AuditDeliveryOutcome.Delivered || !options.UseIndexerAcknowledgment)
        {
            return result;
        }

        return ReadNumber(answer!.Body, "ackId") is { } ackId
            ? await AwaitAcknowledgmentAsync(client, ackId, options, cancellationToken)
            : AuditDeliveryResult.Pause("Splunk gave no ackId although UseIndexerAcknowledgment is set: is indexer acknowledgment on for this token?", options.PausedRetryInterval);
    }

    private async Task<AuditDeliveryResult> AwaitAcknowledgmentAsync(HttpClient client, long ackId, SplunkSinkOptions options, CancellationToken cancellationToken)
    {
        var deadline = _timeProvider.GetUtcNow() + options.AcknowledgmentTimeout;
        var query = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"acks":[{{ackId}}]}"""));
        while (true)
        {
            await Task.Delay(options.AcknowledgmentPollInterval, _timeProvider, cancellationToken);
            var (answer, failure) = await SendAsync(client, "services/collector/ack", query, options, cancellationToken);
            if (answer is { Status: HttpStatusCode.OK } && IsAcknowledged(answer.Body, ackId))
            {
                return AuditDeliveryResult.Delivered;
            }

            // Splunk took the batch: a refused acknowledgment can pause the sink, never make dead letters of indexed events.
            if (answer is not null && answer.Status != HttpStatusCode.OK && Settle(answer, options) is { Outcome: AuditDeliveryOutcome.Paused } paused)
            {
                return paused;
            }

            if (_timeProvider.GetUtcNow() >= deadline)
            {
                return AuditDeliveryResult.Retry($"Splunk did not acknowledge batch {ackId} within {options.AcknowledgmentTimeout} ({failure?.Reason ?? answer?.Description}); sending it again");
            }
        }
    }

    private Task<(HttpAnswer? Answer, AuditDeliveryResult? Failure)> SendAsync(HttpClient client, string path, byte[] body, SplunkSinkOptions options, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(options.Url!.AbsoluteUri.TrimEnd('/') + "/"), path)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", "Splunk " + options.Token);
        request.Headers.TryAddWithoutValidation("X-Splunk-Request-Channel", _channel);
        return HttpDelivery.SendAsync(client, request, Destination, options, [options.Token], _timeProvider, cancellationToken);
    }

    /// <summary>
    /// HEC's codes: a refused token (2, 3, 4, 1 disabled), a missing or wrong channel (10, 11), acknowledgment off (14) and
    /// a wrong index (7) are configuration, which pauses the sink; a busy or failing server (8, 9) is retried; a malformed
    /// event (5, 6, 12, 13) is refused for good.
    /// </summary>
    private static AuditDeliveryResult Settle(HttpAnswer answer, SplunkSinkOptions options)
    {
        return ReadNumber(answer.Body, "code") switch
        {
            0 when (int)answer.Status is >= 200 and < 300 => AuditDeliveryResult.Delivered,
            1 or 2 or 3 or 4 or 7 or 10 or 11 or 14 => AuditDeliveryResult.Pause($"Splunk refused the configuration: {answer.Description}", options.PausedRetryInterval),
            8 or 9 => AuditDeliveryResult.Retry($"Splunk answered {answer.Description}", answer.RetryAfter),
            _ => HttpDelivery.Settle(answer, Destination, options),
        };
    }

    private static long? ReadNumber(string body, string property)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(property, out var value)
                && value.TryGetInt64(out var number)
                ? number
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsAcknowledged(string body, long ackId)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("acks", out var acks)
                && acks.ValueKind == JsonValueKind.Object
                && acks.TryGetProperty(ackId.ToString(CultureInfo.InvariantCulture), out var acknowledged)
                && acknowledged.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static byte[] Body(IReadOnlyList<StoredAuditEntry> entries, SplunkSinkOptions options)
    {
        var host = options.Host ?? Environment.MachineName;
        var buffer = new ArrayBufferWriter<byte>(entries.Sum(static entry => entry.EventJson.Length + 256));
        using var writer = new Utf8JsonWriter(buffer);
        foreach (var entry in entries)
        {
            writer.WriteStartObject();
            writer.WriteNumber("time"u8, decimal.Divide(entry.OccurredAt.ToUnixTimeMilliseconds(), 1000m));
            writer.WriteString("host"u8, host);
            writer.WriteString("source"u8, options.Source);
            writer.WriteString("sourcetype"u8, options.SourceType);
            if (options.Index is { Length: > 0 } index)
            {
                writer.WriteString("index"u8, index);
            }

            writer.WritePropertyName("event"u8);
            writer.WriteRawValue(entry.EventJson.Span, skipInputValidation: true);
            writer.WriteStartObject("fields"u8);
            writer.WriteString("event_id"u8, entry.EventId.ToString());
            writer.WriteString("organization_id"u8, entry.OrganizationId);
            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.Flush();
            writer.Reset();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
