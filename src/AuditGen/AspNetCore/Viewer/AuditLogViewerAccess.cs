using AuditGen.Events;
using AuditGen.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuditGen.AspNetCore.Viewer;

/// <summary>
/// Records each read through the viewer (<see cref="AuditLogAccess"/>) before the records are sent: the signed-in user
/// as actor (<see cref="IAuditActorResolver"/>), their address and user agent as context, the filters as metadata.
/// The event is queued like any other; a read is never refused because it could not be queued (the app is stopping),
/// but that is logged.
/// </summary>
internal sealed partial class AuditLogViewerAccess(
    IAuditEventWriter writer,
    IAuditActorResolver actorResolver,
    AuditRequestRecorder requests,
    ILogger<AuditLogViewerAccess> logger)
{
    public async Task RecordAsync(HttpContext context, string action, string organizationId, AuditTarget? target = null)
    {
        var query = context.Request.QueryString.HasValue ? context.Request.QueryString.Value![1..] : null;
        var auditEvent = AuditLogAccess.Event(action, organizationId, actorResolver.Resolve(context), requests.Context(context), target, query);
        try
        {
            await writer.WriteAsync(auditEvent, context.RequestAborted);
        }
        catch (Exception exception) when (exception is AuditPipelineClosedException or OperationCanceledException)
        {
            LogNotRecorded(logger, action, organizationId, exception.Message);
        }
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "A read of the audit log ({Action}, organization {OrganizationId}) was not recorded: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, string action, string organizationId, string reason);
}
