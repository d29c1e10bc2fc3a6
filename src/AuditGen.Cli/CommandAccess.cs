using AuditGen.Events;
using AuditGen.Pipeline;

namespace AuditGen.Cli;

/// <summary>
/// Records a command's access to the audit log in the log itself (<see cref="AuditLogAccess"/>), attributed to the
/// operating-system user who ran it on this machine: in the organization the command was limited to, else in the log's
/// system partition (no organization). A log opened read-only is left as it is, and the command says so.
/// </summary>
internal static class CommandAccess
{
    public const string ActorType = "operating_system_user";

    private static readonly string s_userAgent = $"auditgen-cli/{typeof(CommandAccess).Assembly.GetName().Version?.ToString(3)}";

    public static async Task RecordAsync(OpenedAuditLog opened, string action, string? organizationId, CancellationToken cancellationToken)
    {
        if (opened.AccessNotRecordedReason is { } reason)
        {
            await Console.Error.WriteLineAsync($"auditgen: this access was not recorded in the audit log: {reason}.");
            return;
        }

        var user = Environment.UserName;
        var auditEvent = AuditLogAccess.Event(
            action,
            organizationId ?? "",
            new AuditActor { Type = ActorType, Id = user, Name = user },
            new AuditContext { Location = Environment.MachineName, UserAgent = s_userAgent },
            target: null,
            query: null);
        await opened.Log.AppendAsync([new AuditEventPreparer(OversizedStringValueHandling.Truncate).Prepare(auditEvent)], cancellationToken);
    }
}
