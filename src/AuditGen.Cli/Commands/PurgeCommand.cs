using System.CommandLine;
using System.Globalization;
using AuditGen.Pipeline;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

internal static class PurgeCommand
{
    public static Command Create()
    {
        var olderThan = new Option<TimeSpan>("--older-than")
        {
            Description = "Remove records stored longer ago than this (e.g. 365.00:00:00 for a year).",
            Required = true,
        };
        var command = new Command("purge", """
            Remove old records and commit to the purge in a new checkpoint, so the rest still verifies and the
            purge is told apart from tampering. Records a sink has not yet delivered are kept. A log whose
            checkpoints are signed needs its signing key.

            Example:
              auditgen purge --db ./auditgen.db --older-than 365.00:00:00 --signing-key "$SIGNING_KEY"
            """)
        {
            AuditLogOptions.SigningKey,
            AuditLogOptions.ChainKey,
            olderThan,
        };

        AuditLogOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var age = result.GetValue(olderThan);
            if (age <= TimeSpan.Zero)
            {
                throw new UsageException("--older-than must be a positive time span, such as 365.00:00:00.");
            }

            using var opened = await AuditLogOptions.OpenAsync(result, cancellationToken, writable: true);
            var log = opened.Log;
            var purge = await log.PurgeAsync(DateTimeOffset.UtcNow - age, cancellationToken);
            await CommandAccess.RecordAsync(opened, AuditLogAccess.Purged, organizationId: null, cancellationToken);
            AnsiConsole.MarkupLine($"Removed [bold]{purge.PurgedCount.ToString("N0", CultureInfo.InvariantCulture)}[/] records, through sequence {purge.ThroughSequence.ToString(CultureInfo.InvariantCulture)}.");
            return ExitCodes.Success;
        });
        return command;
    }
}
