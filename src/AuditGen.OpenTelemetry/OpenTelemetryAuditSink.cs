using AuditGen.Pipeline;
using AuditGen.Sinks.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>
/// Exports batches as OTLP log records through the OpenTelemetry SDK's exporter (<see cref="OtlpExportPipeline"/>):
/// the time the action happened as the timestamp, the stored WorkOS JSON as the body, the event's fields as
/// <c>audit.*</c> attributes. The collector's answer is settled by the rules every HTTP sink shares; a partial success
/// counts as delivered, and the records it refused are logged as a warning, since the collector does not say which
/// they were. OTLP has no idempotency key: delivery is at least once.
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

    // An export is about twice the event JSON (the body and the same fields as attributes); collectors take 20 MiB by default.
    private const int MaxExportJsonBytes = 8 * 1024 * 1024;

    private OtlpExportPipeline? _pipeline;

    public string Name => SinkName;

    public int MaxBatchSize => options.CurrentValue.MaxBatchSize;

    public int MaxBatchBytes => MaxExportJsonBytes;

    public AuditSinkFilter Filter => options.CurrentValue.Filter;

    public async ValueTask<AuditDeliveryResult> DeliverBatchAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        var pipeline = Pipeline();
        bool? succeeded;
        try
        {
            succeeded = await pipeline.ExportAsync(entries, pipeline.Options.RequestTimeout, timeProvider, cancellationToken);
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
    /// Delivered when the exporter succeeded and the collector answered 2xx; otherwise the first answer that was not a
    /// success decides, by the rules every HTTP sink shares.
    /// </summary>
    private AuditDeliveryResult Settle(OtlpExportPipeline pipeline, int count, bool succeeded)
    {
        var answers = pipeline.Answers.Answers();

        long rejected = 0;
        string? rejection = null;
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

            rejected += answer.Rejected;
            rejection ??= answer.Message;
        }

        if (!succeeded || answers.Count == 0)
        {
            return AuditDeliveryResult.Retry($"the OpenTelemetry exporter could not export to {pipeline.Options.Endpoint} (its self-diagnostics say why)");
        }

        if (rejected > 0)
        {
            LogPartialSuccess(logger, rejected, count, rejection ?? "no reason given");
        }

        return AuditDeliveryResult.Delivered;
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
