using System.CommandLine;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

internal static class VerifyCommand
{
    public static Command Create()
    {
        var command = new Command("verify", """
            Rebuild every organization's Merkle log from its records, check them against the checkpoints the log
            committed to (and their signature, given the verifier key), and report the first record that differs.
            Exit code 0 when intact, 1 when broken.

            Examples:
              auditgen verify --db ./auditgen.db
              auditgen verify --db /var/lib/app/auditgen.db --verifier-key "$VERIFIER_KEY"
            """)
        {
            AuditLogOptions.VerifierKey,
            AuditLogOptions.ChainKey,
        };

        AuditLogOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var opened = await AuditLogOptions.OpenAsync(result, cancellationToken);
            var log = opened.Log;
            if (await opened.UnintegratedWarningAsync(cancellationToken) is { } warning)
            {
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(warning)}[/]");
            }

            var verification = await AnsiConsole.Status().StartAsync("Verifying the log...", _ => log.VerifyAsync(cancellationToken));
            var table = new Table().AddColumn("check").AddColumn("result");
            table.AddRow("log", verification.IsIntact ? "[green]intact[/]" : "[red]broken[/]");
            table.AddRow("records checked", verification.RecordsChecked.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("starts after checkpoint", verification.CheckpointSequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("signatures", opened.ChecksSignatures ? "checked" : "[yellow]not checked (no --verifier-key)[/]");
            if (!verification.IsIntact)
            {
                table.AddRow("first broken record", verification.FirstBrokenSequence?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-");
                table.AddRow("problem", Markup.Escape(verification.Problem ?? ""));
            }

            AnsiConsole.Write(table);
            return verification.IsIntact ? ExitCodes.Success : ExitCodes.ChainBroken;
        });
        return command;
    }
}
