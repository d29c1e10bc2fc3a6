using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using AuditGen.Pipeline;
using AuditGen.Sinks.Http;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.Datadog;

/// <summary>
/// Posts batches to Datadog's log intake (<c>POST /api/v2/logs</c>): a JSON array of logs with <c>ddsource</c>,
/// <c>service</c>, <c>hostname</c>, <c>ddtags</c>, the action as <c>message</c>, the time the action happened as
/// <c>timestamp</c>, and the WorkOS event as the attribute <c>audit_event</c>. Within Datadog's limits: 1,000 logs and
/// 5 MB per request, 1 MB per log. Datadog drops logs whose timestamp is more than 18 hours old, so such events are
/// dead-lettered with that reason instead of being sent. Datadog has no idempotency key: delivery is at least once.
/// </summary>
internal sealed class DatadogAuditSink(IHttpClientFactory httpClientFactory, IOptionsMonitor<DatadogSinkOptions> options, TimeProvider timeProvider) : IAuditBatchSink
{
    public const string SinkName = "datadog";

    public const string HttpClientName = "AuditGen.Datadog";

    /// <summary>How old a log's timestamp may be for Datadog to keep it.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(18);

    // Datadog's limits are on uncompressed bytes; each log's own fields come on top of the event's JSON.
    private const int MaxRequestBytes = 5 * 1024 * 1024;
    private const int MaxLogBytes = 1024 * 1024;
    private const int FieldsPerLog = 1_024;

    private const string Destination = "Datadog";

    public string Name => SinkName;

    public int MaxBatchSize => options.CurrentValue.MaxBatchSize;

    public int MaxBatchBytes => MaxRequestBytes - (MaxBatchSize * FieldsPerLog);

    public AuditSinkFilter Filter => options.CurrentValue.Filter;

    public string? Refusal(StoredAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var age = timeProvider.GetUtcNow() - entry.OccurredAt;
        if (age > MaxAge)
        {
            return $"Datadog keeps logs at most {MaxAge.TotalHours:0} hours old; this event happened at {entry.OccurredAt:O}, {age.TotalHours:0.#} hours ago.";
        }

        return entry.EventJson.Length + FieldsPerLog > MaxLogBytes
            ? $"Datadog cuts logs longer than 1 MB; this event's JSON is {entry.EventJson.Length:N0} bytes."
            : null;
    }

    public async ValueTask<AuditDeliveryResult> DeliverBatchAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        var body = Body(entries, current);
        var request = new HttpRequestMessage(HttpMethod.Post, current.IntakeUrl) { Content = new ByteArrayContent(current.Compress ? StreamRecord.Gzip(body) : body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (current.Compress)
        {
            request.Content.Headers.ContentEncoding.Add("gzip");
        }

        request.Headers.TryAddWithoutValidation("DD-API-KEY", current.ApiKey);
        var (answer, failure) = await HttpDelivery.SendAsync(httpClientFactory.CreateClient(HttpClientName), request, Destination, current, [current.ApiKey], timeProvider, cancellationToken);
        return failure ?? HttpDelivery.Settle(answer!, Destination, current);
    }

    private static byte[] Body(IReadOnlyList<StoredAuditEntry> entries, DatadogSinkOptions options)
    {
        var tags = string.Join(',', options.Tags);
        var hostname = options.Hostname ?? Environment.MachineName;
        var buffer = new ArrayBufferWriter<byte>(entries.Sum(static entry => entry.EventJson.Length + 256));
        using var writer = new Utf8JsonWriter(buffer);
        writer.WriteStartArray();
        foreach (var entry in entries)
        {
            writer.WriteStartObject();
            writer.WriteString("ddsource"u8, options.Source);
            writer.WriteString("service"u8, options.Service);
            writer.WriteString("hostname"u8, hostname);
            if (tags.Length > 0)
            {
                writer.WriteString("ddtags"u8, tags);
            }

            writer.WriteString("message"u8, entry.Action);
            writer.WriteNumber("timestamp"u8, entry.OccurredAt.ToUnixTimeMilliseconds());
            writer.WriteString("event_id"u8, entry.EventId.ToString());
            writer.WriteString("organization_id"u8, entry.OrganizationId);
            writer.WritePropertyName("audit_event"u8);
            writer.WriteRawValue(entry.EventJson.Span, skipInputValidation: true);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
