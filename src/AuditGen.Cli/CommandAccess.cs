using System.Data.Common;
using AuditGen.Events;
using AuditGen.Pipeline;
using AuditGen.Stores.Sqlite;

namespace AuditGen.Cli;

/// <summary>
/// Records a command's access to the audit log in the log itself (<see cref="AuditLogAccess"/>), attributed to the
/// operating-system user who ran it (the one behind <c>sudo</c>, when there is one) on this machine: in the organization
/// the command was limited to, else in the log's system partition (no organization). A SQLite log that was only read is
/// not opened for writing: the record goes to its batch file, and the application places it. When the record cannot
/// be written (a copy without its batch file, a read-only file system, a database role that may only read), or
/// <c>--read-only</c> was given, the command says so on standard error; its own result stands.
/// </summary>
internal static class CommandAccess
{
    private static readonly string s_userAgent = typeof(CommandAccess).Assembly.GetName().Version is { } version ? $"auditgen-cli/{version.ToString(3)}" : "auditgen-cli";

    public static async Task RecordAsync(OpenedAuditLog opened, string action, string? organizationId, CancellationToken cancellationToken)
    {
        if (opened.AccessNotRecordedReason is { } reason)
        {
            await NotRecordedAsync(reason);
            return;
        }

        var user = Environment.GetEnvironmentVariable("SUDO_USER") is { Length: > 0 } invoker ? invoker : Environment.UserName;
        var auditEvent = AuditLogAccess.Event(
            action,
            organizationId ?? "",
            new AuditActor { Type = AuditLogAccess.OperatorActorType, Id = user, Name = user },
            new AuditContext { Location = Environment.MachineName, UserAgent = s_userAgent },
            target: null,
            query: null);
        AuditEntry[] entries = [new AuditEventPreparer(OversizedStringValueHandling.Truncate).Prepare(auditEvent)];
        try
        {
            if (opened.Log is SqliteAuditStore { IsReadOnly: true } readOnly)
            {
                await readOnly.AppendToBatchFileAsync(entries, cancellationToken);
            }
            else
            {
                await opened.Log.AppendAsync(entries, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is AuditStoreException or DbException)
        {
            await NotRecordedAsync(exception.Message.TrimEnd('.'));
        }
    }

    private static Task NotRecordedAsync(string reason) =>
        Console.Error.WriteLineAsync($"auditgen: this access was not recorded in the audit log: {reason}.");
}
