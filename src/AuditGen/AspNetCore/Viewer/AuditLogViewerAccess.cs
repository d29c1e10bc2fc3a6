using AuditGen.Events;
using AuditGen.Pipeline;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AuditGen.AspNetCore.Viewer;

/// <summary>
/// Records each read through the viewer (<see cref="AuditLogAccess"/>) before the records are sent: the signed-in user
/// as actor (<see cref="IAuditActorResolver"/>), their address and user agent as context, the filters as metadata.
/// The event is queued like any other (not waiting for its commit); a read is never refused because it could not be
/// queued (the app is stopping), but that is logged.
/// </summary>
internal sealed partial class AuditLogViewerAccess(
    IAuditEventWriter writer,
    IAuditActorResolver actorResolver,
    AuditRequestRecorder requests,
    ILogger<AuditLogViewerAccess> logger)
{
    private static readonly HashSet<string> s_parameters = ["range_start", "range_end", "actions", "actor_names", "actor_ids", "targets", "format", "limit", "before", "extends_size"];

    public async Task RecordAsync(HttpContext context, string action, string organizationId, AuditTarget? target = null)
    {
        var auditEvent = AuditLogAccess.Event(action, organizationId, actorResolver.Resolve(context), requests.Context(context), target, Filters(context.Request.Query));
        try
        {
            await writer.WriteAsync(auditEvent, context.RequestAborted);
        }
        catch (Exception exception) when (exception is AuditPipelineClosedException or OperationCanceledException)
        {
            LogNotRecorded(logger, action, organizationId, exception.Message);
        }
    }

    /// <summary>The read's filters and format, as a query string of the parameters the viewer knows; nothing else a client sends.</summary>
    private static string? Filters(IQueryCollection query)
    {
        var known = query.Where(static parameter => s_parameters.Contains(parameter.Key))
            .SelectMany(static parameter => parameter.Value.Select(value => $"{parameter.Key}={Uri.EscapeDataString(value ?? "")}"));
        var filters = string.Join('&', known);
        return filters.Length == 0 ? null : filters;
    }

    [LoggerMessage(EventId = 60, Level = LogLevel.Warning, Message = "A read of the audit log ({Action}, organization {OrganizationId}) was not recorded: {Reason}")]
    private static partial void LogNotRecorded(ILogger logger, string action, string organizationId, string reason);
}
