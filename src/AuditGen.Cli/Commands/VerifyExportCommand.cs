using System.CommandLine;
using System.Globalization;
using AuditGen.Export;
using AuditGen.Ledger;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

/// <summary><c>auditgen verify-export</c>: checks a proven export offline, with the log's and the witnesses' public keys only.</summary>
internal static class VerifyExportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The proven export (auditgen export --proof, or the viewer's proven download)." };
        var key = new Option<string>("--key") { Description = "The log's verifier key, as the application publishes it.", Required = true };
        var witnessKeys = new Option<string[]>("--witness-key") { Description = "A witness's verifier key (repeatable); its cosignature is then required.", AllowMultipleArgumentsPerToken = false };
        var quorum = new Option<int?>("--quorum") { Description = "How many of the witnesses given must have cosigned; all of them when omitted." };
        var previous = new Option<FileInfo?>("--previous") { Description = "An older proven export of the organization, which this one must extend." };
        var filtered = new Option<bool>("--filtered") { Description = "Accept an export made with filters: its records are checked, but records its filters left out cannot be (without it, a filtered export fails, since anyone can mark a file filtered)." };
        var command = new Command("verify-export", """
            Verify a proven export offline: the log's checkpoint with its key and the witnesses' cosignatures, the
            organization's checkpoint in it, every record against its inclusion proof, in order, and (for an export
            without filters) that no record is missing. With --previous, also that the export extends an older one, so
            a record once received was neither changed nor removed other than by a purge the log signed.
            An export made with filters fails unless --filtered is given. Exit code 0 when it verifies, 1 when it does not.

            Examples:
              auditgen verify-export acme.proof.jsonl --key "$LOG_VERIFIER_KEY" --witness-key "$WITNESS_KEY"
              auditgen verify-export acme-november.proof.jsonl --key "$LOG_VERIFIER_KEY" --previous acme-october.proof.jsonl
            """)
        {
            file,
            key,
            witnessKeys,
            quorum,
            previous,
            filtered,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            var keys = Keys(result.GetValue(key)!, result.GetValue(witnessKeys) ?? [], result.GetValue(quorum));
            var verification = await VerifyAsync(result.GetValue(file)!, keys, cancellationToken);
            var table = new Table().AddColumn("check").AddColumn("result");
            table.AddRow("export", verification.IsValid ? "[green]verified[/]" : "[red]does not verify[/]");
            string? problem = verification.Problem;
            if (verification.Header is { } header)
            {
                table.AddRow("organization", Markup.Escape(header.OrganizationId));
                table.AddRow("records verified", verification.Records.ToString("N0", CultureInfo.InvariantCulture));
                table.AddRow("organization's log", $"{header.Checkpoint.Size.ToString("N0", CultureInfo.InvariantCulture)} records; the oldest {header.PurgedThrough.ToString("N0", CultureInfo.InvariantCulture)} purged by retention");
                table.AddRow("completeness", header.Complete ? "every record of the log (no filter)" : "[yellow]filtered: records the filters left out are not checked[/]");
                table.AddRow("log checkpoint", $"{header.TopLevel.Size.ToString(CultureInfo.InvariantCulture)} entries, signed by {Markup.Escape(keys.Log.Name)}");
                table.AddRow("cosigned by", header.Cosignatures.Count == 0
                    ? "[yellow]no witness given[/]"
                    : Markup.Escape(string.Join(", ", header.Cosignatures.Select(static cosignature => $"{cosignature.Witness} at {DateTimeOffset.FromUnixTimeSeconds(cosignature.Timestamp):u}"))));
                if (verification.IsValid && !header.Complete && !result.GetValue(filtered))
                {
                    problem = "the export is filtered, so records its filters left out are not checked: pass --filtered to accept that, or verify an export made without filters";
                }

                if (problem is null && result.GetValue(previous) is { } older)
                {
                    var olderVerification = await VerifyAsync(older, keys with { Witnesses = [], Quorum = 0 }, cancellationToken);
                    problem = !olderVerification.IsValid
                        ? $"the older export does not verify: {olderVerification.Problem}"
                        : ProvenExportVerifier.ProblemExtending(olderVerification.Header!, header);
                    table.AddRow("extends the older export", problem is null ? $"[green]yes[/] (from {olderVerification.Header!.Checkpoint.Size.ToString("N0", CultureInfo.InvariantCulture)} records)" : "[red]no[/]");
                }
            }

            AnsiConsole.Write(table);
            if (problem is not null)
            {
                // A whole line, outside the table, so that a script can find it.
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(problem)}[/]");
                return ExitCodes.ChainBroken;
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<ProvenExportVerification> VerifyAsync(FileInfo file, ProvenExportKeys keys, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new UsageException($"'{file.FullName}' does not exist.");
        }

        await using var stream = file.OpenRead();
        return await ProvenExportVerifier.VerifyAsync(stream, keys, cancellationToken);
    }

    private static ProvenExportKeys Keys(string logKey, string[] witnessKeys, int? quorum)
    {
        if (!NoteVerifier.TryParse(logKey, out var log, out var problem))
        {
            throw new UsageException($"--key is not a log verifier key: {problem}.");
        }

        var witnesses = witnessKeys.Select(text => CosignatureVerifier.TryParse(text, out var witness, out var witnessProblem)
            ? witness!
            : throw new UsageException($"--witness-key is not a witness verifier key: {witnessProblem} (was '{text}').")).ToList();
        if (witnesses.GroupBy(static witness => witness.Name, StringComparer.Ordinal).FirstOrDefault(static same => same.Count() > 1) is { } repeated)
        {
            throw new UsageException($"--witness-key names witness {repeated.Key} more than once: each witness counts once towards the quorum.");
        }
        if (quorum is { } required && (required < 1 || required > witnesses.Count))
        {
            throw new UsageException($"--quorum must be between 1 and the {witnesses.Count} witness keys given.");
        }

        return new ProvenExportKeys(log!, witnesses, quorum ?? witnesses.Count);
    }
}
