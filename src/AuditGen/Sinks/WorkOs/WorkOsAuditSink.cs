using AuditGen.Sinks.Http;
using System.Net;
using System.Threading.RateLimiting;
using AuditGen.Events.Json;
using AuditGen.Pipeline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace AuditGen.Sinks.WorkOs;

/// <summary>
/// Sends each stored event to WorkOS (<c>POST /audit_logs/events</c>) with the event's id as the
/// <c>Idempotency-Key</c> (<see cref="StoredAuditEntry.IdempotencyKey"/>), so a retry or a re-delivery
/// after a crash never makes a second event.
/// Transient failures (408, 429, 5xx, network errors, timeouts) are retried by a Polly pipeline honouring
/// <c>Retry-After</c>; what it cannot settle goes back to the delivery loop. 400, 404 and 422 are dead-lettered
/// with WorkOS's message; 401 and 403 pause the sink until the key works.
/// </summary>
internal sealed partial class WorkOsAuditSink : IAuditSink, IDisposable
{
    public const string SinkName = "workos";

    public const string HttpClientName = "AuditGen.WorkOs";

    private const int MaxKeptExceptionMessage = 500;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptionsMonitor<WorkOsSinkOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<WorkOsAuditSink> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;
    private readonly ResiliencePipeline _attemptTimeout;
    private readonly RateLimiter? _rateLimiter;

    public WorkOsAuditSink(IHttpClientFactory httpClientFactory, IOptionsMonitor<WorkOsSinkOptions> options, TimeProvider timeProvider, ILogger<WorkOsAuditSink> logger)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        var startup = options.CurrentValue;
        _retry = BuildRetry(startup);
        _attemptTimeout = new ResiliencePipelineBuilder { TimeProvider = timeProvider }.AddTimeout(startup.RequestTimeout).Build();
        _rateLimiter = startup.RequestsPerMinute == 0 ? null : CreateRateLimiter(startup.RequestsPerMinute);
    }

    public string Name => SinkName;

    public int MaxConcurrency => _options.CurrentValue.MaxConcurrency;

    public async ValueTask<AuditDeliveryResult> DeliverAsync(StoredAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (AuditLogAccess.IsSystemRecord(entry))
        {
            // Not a dead letter: it would hold retention back, and no fix could ever make WorkOS take it.
            return AuditDeliveryResult.Delivered;
        }

        if (entry.Rejection is not null)
        {
            return AuditDeliveryResult.DeadLetter($"Not sent: WorkOS would refuse this event ({entry.Rejection}).");
        }

        var options = _options.CurrentValue;
        var body = WorkOsJson.ComposeCreateEventRequest(entry.OrganizationId, entry.EventJson.Span);
        var idempotencyKey = entry.IdempotencyKey;
        var client = _httpClientFactory.CreateClient(HttpClientName);
        HttpResponseMessage response;
        try
        {
            // Each attempt waits for the rate limiter first, outside its own time limit: waiting for a token is not WorkOS being slow.
            response = await _retry.ExecuteAsync(
                async token =>
                {
                    await AcquireRateLimitAsync(token);
                    return await _attemptTimeout.ExecuteAsync(
                        async attemptToken =>
                        {
                            using var request = WorkOsApi.CreateEventRequest(options.BaseUrl, options.ApiKey!, body, idempotencyKey);
                            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, attemptToken);
                        },
                        token);
                },
                cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException)
        {
            return AuditDeliveryResult.Retry(exception is TimeoutRejectedException
                ? $"no answer from WorkOS within {options.RequestTimeout}"
                : $"cannot reach WorkOS: {DestinationText.Scrub(exception.Message, MaxKeptExceptionMessage, options.ApiKey)}");
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return AuditDeliveryResult.Delivered;
            }

            var description = await WorkOsApi.DescribeAsync(response, options.ApiKey, cancellationToken);
            if (HttpDelivery.IsAuthorizationFailure(response.StatusCode))
            {
                return AuditDeliveryResult.Pause($"WorkOS refused the API key: {description}", options.PausedRetryInterval);
            }

            if (HttpDelivery.IsTransient(response.StatusCode) || (int)response.StatusCode < 400)
            {
                return AuditDeliveryResult.Retry(description, HttpDelivery.RetryAfter(response, _timeProvider.GetUtcNow(), options.RetryBaseDelay, options.MaxRetryAfter));
            }

            // 400, 404, 422 and any other 4xx: the same request can never succeed.
            return AuditDeliveryResult.DeadLetter(description);
        }
    }

    public void Dispose() => _rateLimiter?.Dispose();

    private async ValueTask AcquireRateLimitAsync(CancellationToken cancellationToken)
    {
        if (_rateLimiter is null)
        {
            return;
        }

        using var lease = await _rateLimiter.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The WorkOS rate limiter refused a lease although its queue is unbounded.");
        }
    }

    /// <summary>
    /// A token bucket refilled about ten times a second (less often for small limits) at exactly the configured rate,
    /// never holding more than one refill's worth.
    /// </summary>
    private static TokenBucketRateLimiter CreateRateLimiter(int requestsPerMinute)
    {
        var tokens = Math.Max(1, requestsPerMinute / 600);
        var period = TimeSpan.FromMinutes(1) * tokens / requestsPerMinute;
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = tokens,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    private ResiliencePipeline<HttpResponseMessage> BuildRetry(WorkOsSinkOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _timeProvider };
        if (options.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = TimeSpan.FromSeconds(8),
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(static response => HttpDelivery.IsTransient(response.StatusCode)),
                DelayGenerator = arguments => ValueTask.FromResult(arguments.Outcome.Result is { } response
                    ? HttpDelivery.RetryAfter(response, _timeProvider.GetUtcNow(), options.RetryBaseDelay, _options.CurrentValue.MaxRetryAfter)
                    : null),
                OnRetry = arguments =>
                {
                    if (_logger.IsEnabled(LogLevel.Debug))
                    {
                        var failure = arguments.Outcome.Exception?.GetType().Name;
                        LogRetrying(arguments.Outcome.Result?.StatusCode, failure, arguments.RetryDelay, arguments.AttemptNumber + 2);
                    }

                    arguments.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    [LoggerMessage(EventId = 200, Level = LogLevel.Debug, Message = "WorkOS answered {Status} ({Exception}); attempt {Attempt} in {Delay}.")]
    private partial void LogRetrying(HttpStatusCode? status, string? exception, TimeSpan delay, int attempt);
}
