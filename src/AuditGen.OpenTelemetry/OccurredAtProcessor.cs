using OpenTelemetry;
using OpenTelemetry.Logs;

namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>
/// Gives each audit log record the time its action happened as its timestamp (the SDK stamps the time it was emitted,
/// which stays as the observed time). Runs before the export processor.
/// </summary>
internal sealed class OccurredAtProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Attributes is AuditLogRecordState state)
        {
            data.Timestamp = state.OccurredAt.UtcDateTime;
        }
    }
}
