using System.CommandLine;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.Witnesses;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

internal static class VerifyCommand
{
    public static Command Create()
    {
        var witnesses = new Option<string[]>("--witness")
        {
            Description = "A witness to check the log against, as URL=VERIFIERKEY (its add-checkpoint prefix and its cosigning key); repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("verify", """
            Rebuild every organization's Merkle log from its records, check them against the checkpoints the log
            committed to (and their signature, given the verifier key), and report the first record that differs.
            With --witness, also ask each witness whether the log extends the newest checkpoint it cosigned: a log
            cut short, put back from an older copy or forked is caught even by someone holding the database and the
            signing key. Exit code 0 when intact, 1 when broken.

            Examples:
              auditgen verify --db ./auditgen.db
              auditgen verify --db /var/lib/app/auditgen.db --verifier-key "$VERIFIER_KEY"
              auditgen verify --db ./auditgen.db --witness "https://witness.example.org/=witness.example.org/w1+..."
            """)
        {
            AuditLogOptions.VerifierKey,
            AuditLogOptions.ChainKey,
            AuditLogOptions.ReadOnly,
            witnesses,
        };

        AuditLogOptions.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            using var opened = await AuditLogOptions.OpenAsync(result, cancellationToken, recordsAccess: true);
            var log = opened.Log;
            if (await opened.UnintegratedWarningAsync(cancellationToken) is { } warning)
            {
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(warning)}[/]");
            }

            var verification = await AnsiConsole.Status().StartAsync("Verifying the log...", _ => log.VerifyAsync(cancellationToken));
            await CommandAccess.RecordAsync(opened, AuditLogAccess.Verified, organizationId: null, cancellationToken);
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

            var endpoints = (result.GetValue(witnesses) ?? []).Select(ParseWitness).ToList();
            var clients = endpoints.Select(static endpoint => new HttpClient { BaseAddress = endpoint.Url, Timeout = TimeSpan.FromSeconds(30) }).ToList();
            var problems = new List<string>();
            var witnessed = true;
            try
            {
                var known = endpoints.Count == 0 ? [] : await LedgerWitnessing.KnownSizesAsync((ILedgerReader)log, endpoints.Select(static endpoint => endpoint.Key), cancellationToken);
                var submissions = endpoints.Select((endpoint, i) => new WitnessSubmission(endpoint.Key, clients[i], known.GetValueOrDefault(endpoint.Key.Name))).ToList();
                var round = submissions.Count == 0 ? null : await LedgerWitnessing.SubmitAsync((ILedgerReader)log, submissions, opened.Ledger, TimeProvider.System, cancellationToken);
                foreach (var outcome in round?.Outcomes ?? [])
                {
                    witnessed &= outcome.IsCosigned;
                    table.AddRow(
                        $"witness {Markup.Escape(outcome.Witness)}",
                        outcome.Kind switch
                        {
                            WitnessOutcomeKind.Cosigned => $"[green]cosigned[/] the log's {outcome.LogSize:N0} checkpoints",
                            WitnessOutcomeKind.CosignedAfterLosingState => $"[yellow]cosigned[/] the log's {outcome.LogSize:N0} checkpoints, after losing its state",
                            WitnessOutcomeKind.Refused => "[red]refused[/]",
                            WitnessOutcomeKind.Unreachable => "[red]did not answer[/]",
                            _ => "[red]the log does not extend what it cosigned[/]",
                        });
                    if (outcome.Problem is { } problem)
                    {
                        problems.Add(problem);
                    }
                }
            }
            finally
            {
                clients.ForEach(static client => client.Dispose());
            }

            AnsiConsole.Write(table);
            foreach (var problem in problems)
            {
                // Whole lines, outside the table, so that a script can find them.
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(problem)}[/]");
            }

            return verification.IsIntact && witnessed ? ExitCodes.Success : ExitCodes.ChainBroken;
        });
        return command;
    }

    private static WitnessEndpoint ParseWitness(string value) =>
        WitnessEndpoint.TryParse(value, out var endpoint, out var problem) ? endpoint! : throw new UsageException($"--witness: {problem} (was '{value}').");
}
