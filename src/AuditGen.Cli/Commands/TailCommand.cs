using System.CommandLine;
using System.Text;
using AuditGen.Events.Json;
using AuditGen.Pipeline;

namespace AuditGen.Cli.Commands;

internal static class TailCommand
{
    public static Command Create()
    {
        var query = new QueryOptions();
        var last = new Option<int>("--last") { Description = "Print this many of the newest records first (default 10).", DefaultValueFactory = _ => 10 };
        var interval = new Option<TimeSpan>("--interval") { Description = "How often to look for new records (default 00:00:01).", DefaultValueFactory = _ => TimeSpan.FromSeconds(1) };
        var command = new Command("tail", """
            Follow new records as they are stored, one WorkOS create-event body per line, until Ctrl+C.

            Examples:
              auditgen tail --db ./auditgen.db
              auditgen tail --db ./auditgen.db --organization org_acme --action user.signed_in --last 0
            """)
        {
            last,
            interval,
            AuditLogOptions.ReadOnly,
        };
        query.AddTo(command);

        AuditLogOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var opened = await AuditLogOptions.OpenAsync(result, cancellationToken, recordsAccess: true);
            var log = opened.Log;
            var filter = query.Read(result);
            var newest = await log.QueryAsync(filter with { NewestFirst = true, Limit = Math.Max(result.GetValue(last), 1) }, cancellationToken).ToListAsync(cancellationToken);
            var cursor = newest.Count == 0 ? 0 : newest[0].Sequence;
            foreach (var entry in newest.Take(result.GetValue(last)).Reverse())
            {
                Print(entry);
            }

            await CommandAccess.RecordAsync(opened, AuditLogAccess.Viewed, filter.OrganizationId, cancellationToken);

            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    await foreach (var entry in log.QueryAsync(filter with { AfterSequence = cursor }, cancellationToken))
                    {
                        Print(entry);
                        cursor = entry.Sequence;
                    }

                    await Task.Delay(result.GetValue(interval), cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static void Print(StoredAuditEntry entry)
    {
        Console.Out.WriteLine(Encoding.UTF8.GetString(WorkOsJson.ComposeCreateEventRequest(entry.OrganizationId, entry.EventJson.Span)));
        Console.Out.Flush();
    }
}
