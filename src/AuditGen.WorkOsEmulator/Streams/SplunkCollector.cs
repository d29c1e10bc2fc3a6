using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator.Faults;
using AuditGen.WorkOsEmulator.Inspection;
using Microsoft.Extensions.Options;

namespace AuditGen.WorkOsEmulator.Streams;

/// <summary>
/// Splunk's HTTP Event Collector (<c>POST /services/collector/event</c> and <c>/services/collector/ack</c>) as Splunk's
/// documentation describes it: <c>Authorization: Splunk TOKEN</c>, event objects one after another, each with a non-blank
/// <c>event</c>, answers and codes as HEC's (2 token required, 3 invalid authorization, 4 invalid token, 5 no data, 6
/// invalid data format, 10 data channel missing, 11 invalid data channel, 12 event field required, 13 event field blank,
/// 14 acknowledgment disabled). For a token with indexer acknowledgment, a batch is kept (indexed) only after a delay,
/// whether or not its sender heard the answer, and may be lost before that: its acknowledgment then never turns true.
/// </summary>
internal sealed class SplunkCollector(IOptionsMonitor<EmulatorOptions> options, StreamInbox inbox, FaultInjector faults, EmulatorStatistics statistics, TimeProvider time)
{
    public const string Receiver = "splunk";

    private const int MaxRequestBytes = 1024 * 1024 * 1024 / 10;

    private readonly ConcurrentDictionary<(string Channel, long AckId), PendingBatch> _pending = new();
    private long _nextAckId;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/services/collector/event", (HttpContext context, SplunkCollector collector) => collector.ReceiveAsync(context));
        app.MapPost("/services/collector/ack", (HttpContext context, SplunkCollector collector) => collector.AcknowledgeAsync(context));
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        IndexDueBatches();
        if (Authorize(context, out var withAck) is { } refused)
        {
            return refused;
        }

        var channel = Channel(context);
        if (withAck && channel is null)
        {
            return Answer(StatusCodes.Status400BadRequest, "Data channel is missing", 10);
        }

        if (channel is not null && !Guid.TryParse(channel, out _))
        {
            return Answer(StatusCodes.Status400BadRequest, "Invalid data channel", 11);
        }

        var body = await RequestBody.ReadAsync(context.Request, MaxRequestBytes, context.RequestAborted);
        if (body is null)
        {
            return Answer(StatusCodes.Status413PayloadTooLarge, "Content too large", 27);
        }

        var events = new List<JsonObject>();
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowMultipleValues = true });
        try
        {
            while (reader.Read())
            {
                var number = events.Count;
                if (JsonNode.Parse(ref reader) is not JsonObject item)
                {
                    return Answer(StatusCodes.Status400BadRequest, "Invalid data format", 6, number);
                }

                if (!item.ContainsKey("event"))
                {
                    return Answer(StatusCodes.Status400BadRequest, "Event field is required", 12, number);
                }

                if (item["event"] is null || (item["event"] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length == 0))
                {
                    return Answer(StatusCodes.Status400BadRequest, "Event field cannot be blank", 13, number);
                }

                events.Add(item);
            }
        }
        catch (JsonException)
        {
            return Answer(StatusCodes.Status400BadRequest, "Invalid data format", 6, events.Count);
        }

        if (events.Count == 0)
        {
            return Answer(StatusCodes.Status400BadRequest, "No data", 5);
        }

        long? ackId = null;
        if (withAck)
        {
            ackId = Interlocked.Increment(ref _nextAckId);
            var streams = options.CurrentValue.Streams;
            var lost = streams.SplunkIndexingLossRate > 0 && Random.Shared.NextDouble() < streams.SplunkIndexingLossRate;
            _pending[(channel!, ackId.Value)] = new PendingBatch(events, time.GetUtcNow().AddMilliseconds(streams.SplunkIndexingDelayMilliseconds), lost);
        }
        else
        {
            Keep(events);
        }

        if (faults.DropAfterAccept())
        {
            statistics.Injected("drop_after_accept");
            context.Abort();
            return Results.Empty;
        }

        return ackId is { } id ? Results.Json(new { text = "Success", code = 0, ackId = id }) : Answer(StatusCodes.Status200OK, "Success", 0);
    }

    private async Task<IResult> AcknowledgeAsync(HttpContext context)
    {
        IndexDueBatches();
        if (Authorize(context, out var withAck) is { } refused)
        {
            return refused;
        }

        if (!withAck)
        {
            return Answer(StatusCodes.Status400BadRequest, "ACK is disabled", 14);
        }

        if (Channel(context) is not { } channel)
        {
            return Answer(StatusCodes.Status400BadRequest, "Data channel is missing", 10);
        }

        var query = await context.Request.ReadFromJsonAsync<JsonObject>(context.RequestAborted);
        if (query?["acks"] is not JsonArray ids)
        {
            return Answer(StatusCodes.Status400BadRequest, "Invalid data format", 6);
        }

        if (ids.Any(static id => id is not JsonValue value || !value.TryGetValue<long>(out _)))
        {
            return Answer(StatusCodes.Status400BadRequest, "Invalid data format", 6);
        }

        var answer = new JsonObject();
        foreach (var id in ids.Select(static id => id!.GetValue<long>()))
        {
            // Like Splunk, an acknowledgment that was reported true is forgotten.
            var indexed = _pending.TryGetValue((channel, id), out var batch) && batch.Indexed;
            if (indexed)
            {
                _pending.TryRemove((channel, id), out _);
            }

            answer[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = indexed;
        }

        return Results.Json(new JsonObject { ["acks"] = answer });
    }

    /// <summary>Indexes (keeps) every batch whose indexing delay has passed and that was not lost.</summary>
    private void IndexDueBatches()
    {
        var now = time.GetUtcNow();
        foreach (var batch in _pending.Values)
        {
            if (!batch.Lost && batch.IndexedAt <= now && batch.MarkIndexed())
            {
                Keep(batch.Events);
            }
        }
    }

    private void Keep(List<JsonObject> events)
    {
        foreach (var item in events)
        {
            inbox.Received(Receiver, (string?)item["fields"]?["event_id"] ?? "", item);
        }
    }

    private IResult? Authorize(HttpContext context, out bool withAck)
    {
        withAck = false;
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Answer(StatusCodes.Status401Unauthorized, "Token is required", 2);
        }

        if (!header.StartsWith("Splunk ", StringComparison.Ordinal))
        {
            return Answer(StatusCodes.Status401Unauthorized, "Invalid authorization", 3);
        }

        var token = header["Splunk ".Length..];
        var streams = options.CurrentValue.Streams;
        withAck = streams.SplunkAckTokens.Contains(token, StringComparer.Ordinal);
        return withAck || streams.SplunkTokens.Contains(token, StringComparer.Ordinal) ? null : Answer(StatusCodes.Status403Forbidden, "Invalid token", 4);
    }

    private static string? Channel(HttpContext context) =>
        context.Request.Headers["X-Splunk-Request-Channel"].ToString() is { Length: > 0 } header ? header
        : context.Request.Query["channel"].ToString() is { Length: > 0 } query ? query
        : null;

    private static IResult Answer(int status, string text, int code, int? invalidEventNumber = null) =>
        invalidEventNumber is { } number
            ? Results.Json(new Dictionary<string, object> { ["text"] = text, ["code"] = code, ["invalid-event-number"] = number }, statusCode: status)
            : Results.Json(new { text, code }, statusCode: status);

    private sealed class PendingBatch(List<JsonObject> events, DateTimeOffset indexedAt, bool lost)
    {
        private int _indexed;

        public List<JsonObject> Events => events;

        public DateTimeOffset IndexedAt => indexedAt;

        public bool Lost => lost;

        public bool Indexed => Volatile.Read(ref _indexed) == 1;

        /// <returns><see langword="true"/> for the one caller that indexed it.</returns>
        public bool MarkIndexed() => Interlocked.Exchange(ref _indexed, 1) == 0;
    }
}
