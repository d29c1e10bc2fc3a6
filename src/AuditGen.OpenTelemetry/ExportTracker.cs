using OpenTelemetry;
using OpenTelemetry.Logs;

namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>
/// Stands between the SDK's batch processor and its OTLP exporter to learn what the processor does not tell: when every
/// record of a batch has been exported, and whether each export succeeded.
/// </summary>
internal sealed class ExportTracker(BaseExporter<LogRecord> exporter) : BaseExporter<LogRecord>
{
    private readonly Lock _lock = new();
    private TaskCompletionSource<bool>? _exported;
    private long _remaining;
    private bool _succeeded;

    /// <summary>A task that completes once <paramref name="count"/> more records have been exported: true if all succeeded.</summary>
    public Task<bool> Expect(int count)
    {
        lock (_lock)
        {
            _remaining = count;
            _succeeded = true;
            _exported = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _exported.Task;
        }
    }

    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        // Read first: a batch counts down as the exporter reads it.
        var count = batch.Count;
        var result = exporter.Export(in batch);
        lock (_lock)
        {
            _succeeded &= result == ExportResult.Success;
            _remaining -= count;
            if (_remaining <= 0)
            {
                _exported?.TrySetResult(_succeeded);
            }
        }

        return result;
    }
}
