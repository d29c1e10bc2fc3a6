using System.Text;
using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Pipeline;
using Microsoft.Extensions.Logging;

namespace AuditGen.Sinks.Logging;

/// <summary>
/// Writes each event as one line of WorkOS JSON (the create-event request body) through
/// <see cref="ILogger"/>, category <c>AuditGen.Events</c>. Events marked rejected are written too,
/// at warning level with the reason, since a log accepts what WorkOS would not.
/// </summary>
internal sealed partial class LoggingAuditSink(ILoggerFactory loggerFactory) : IAuditSink
{
    private readonly ILogger _logger = loggerFactory.CreateLogger("AuditGen.Events");

    public string Name => "logging";

    public ValueTask<AuditDeliveryResult> DeliverAsync(StoredAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var level = entry.Rejection is null ? LogLevel.Information : LogLevel.Warning;
        if (!_logger.IsEnabled(level))
        {
            return ValueTask.FromResult(AuditDeliveryResult.Delivered);
        }

        var json = Encoding.UTF8.GetString(WorkOsJson.ComposeCreateEventRequest(entry.OrganizationId, entry.EventJson.Span));
        if (entry.Rejection is null)
        {
            LogEvent(entry.EventId, json);
        }
        else
        {
            LogRejectedEvent(entry.EventId, entry.Rejection, json);
        }

        return ValueTask.FromResult(AuditDeliveryResult.Delivered);
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "audit {EventId} {Json}")]
    private partial void LogEvent(AuditEventId eventId, string json);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "audit {EventId} rejected ({Reason}) {Json}")]
    private partial void LogRejectedEvent(AuditEventId eventId, string reason, string json);
}
