using AuditGen.Pipeline;
using AuditGen.Sinks.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>
/// Exports batches as OTLP log records through the OpenTelemetry SDK's exporter (<see cref="OtlpExportPipeline"/>):
/// the time the action happened as the timestamp, the stored WorkOS JSON as the body, the event's fields as
/// <c>audit.*</c> attributes. A failed export is settled by the collector's answer and the rules every HTTP sink shares;
/// a partial success counts as delivered, and how many records it refused, with the collector's reason, is logged as a
/// warning, since the collector does not say which they were. OTLP has no idempotency key: delivery is at least once.
/// </summary>
internal sealed partial class OpenTelemetryAuditSink(
    IHttpMessageHandlerFactory handlers,
    IOptionsMonitor<OpenTelemetrySinkOptions> options,
    TimeProvider timeProvider,
    ILogger<OpenTelemetryAuditSink> logger) : IAuditBatchSink, IDisposable
{
    public const string SinkName = "opentelemetry";

    public const string HttpClientName = "AuditGen.OpenTelemetry";

    private const string Destination = "the OpenTelemetry collector";

    // An export carries each event twice, as its body and as attributes that each repeat their path; collectors take
    // 20 MiB by default. A batch refused as too large (413) is split by the pipeline down to single events.
    private const int MaxExportJsonBytes = 4 * 1024 * 1024;

    private OtlpExportPipeline? _pipeline;

    public string Name => SinkName;

    public int MaxBatchSize => options.CurrentValue.MaxBatchSize;

    public int MaxBatchBytes => MaxExportJsonBytes;

    public AuditSinkFilter Filter => options.CurrentValue.Filter;

    /// <summary>Exports one batch; the delivery worker never calls it again before it returns (MaxConcurrency is 1).</summary>
    public async ValueTask<AuditDeliveryResult> DeliverBatchAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return AuditDeliveryResult.Delivered;
        }

        var pipeline = Pipeline();
        bool? succeeded;
        try
        {
            succeeded = await pipeline.ExportAsync(entries, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Discard(pipeline);
            throw;
        }

        if (succeeded is null)
        {
            // Records may still be queued or in flight: a fresh pipeline keeps them and their answers out of the next attempt.
            Discard(pipeline);
            return AuditDeliveryResult.Retry($"no answer from {Destination} within {pipeline.Options.RequestTimeout}");
        }

        return Settle(pipeline, entries.Count, succeeded.Value);
    }

    public void Dispose() => _pipeline?.Dispose();

    /// <summary>
    /// Delivered when the exporter says every export succeeded; otherwise the collector's answer (or the failure to get
    /// one) decides, by the rules every HTTP sink shares.
    /// </summary>
    private AuditDeliveryResult Settle(OtlpExportPipeline pipeline, int count, bool succeeded)
    {
        var answers = pipeline.Answers.Snapshot();
        if (succeeded)
        {
            var rejected = answers.Sum(static answer => answer.Rejected);
            if (rejected > 0)
            {
                LogPartialSuccess(logger, rejected, count, answers.FirstOrDefault(static answer => answer.Rejected > 0)?.Message ?? "no reason given");
            }

            return AuditDeliveryResult.Delivered;
        }

        foreach (var answer in answers)
        {
            if (answer.Failure is { } failure)
            {
                return HttpDelivery.Unreachable(Destination, failure, pipeline.Answers.Credentials);
            }

            var result = HttpDelivery.Settle(answer.Http!, Destination, pipeline.Options);
            if (result.Outcome != AuditDeliveryOutcome.Delivered)
            {
                return result;
            }
        }

        return AuditDeliveryResult.Retry($"the OpenTelemetry exporter could not export to {pipeline.Options.Endpoint}, and {Destination} gave no failing answer");
    }

    private OtlpExportPipeline Pipeline()
    {
        var current = options.CurrentValue;
        if (_pipeline is { } pipeline && ReferenceEquals(pipeline.Options, current))
        {
            return pipeline;
        }

        if (_pipeline is not null)
        {
            Discard(_pipeline);
        }

        return _pipeline = new OtlpExportPipeline(current, handlers.CreateHandler(HttpClientName), timeProvider);
    }

    /// <summary>Shuts the pipeline down in the background: the SDK waits for an export in flight.</summary>
    private void Discard(OtlpExportPipeline pipeline)
    {
        if (ReferenceEquals(_pipeline, pipeline))
        {
            _pipeline = null;
        }

        _ = Task.Run(pipeline.Dispose);
    }

    [LoggerMessage(EventId = 310, Level = LogLevel.Warning, Message = "The OpenTelemetry collector took a batch of {Count} log records but refused {Rejected} of them: {Reason}")]
    private static partial void LogPartialSuccess(ILogger logger, long rejected, int count, string reason);
}
