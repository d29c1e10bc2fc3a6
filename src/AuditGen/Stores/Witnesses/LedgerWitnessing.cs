using AuditGen.Ledger;

namespace AuditGen.Stores.Witnesses;

/// <summary>
/// A log's side of witnessing: its newest signed top-level checkpoint, submitted to every witness with the proofs each
/// asks for, all read from one snapshot of the log, so that the witnesses cosign one checkpoint and their cosignatures
/// can be kept together. The checkpoint must be the one the snapshot's top-level tree has; given settings, the whole
/// ledger of that snapshot is verified first, so that what the witnesses judge is what was checked.
/// </summary>
internal static class LedgerWitnessing
{
    /// <summary>Submits the log's newest checkpoint to each witness in turn; see <see cref="WitnessClient.SubmitAsync"/>.</summary>
    /// <param name="log">The log.</param>
    /// <param name="witnesses">Who to submit to.</param>
    /// <param name="verifyWith">Verify the snapshot's ledger with these settings first (the CLI); null to only check the checkpoint against its tree.</param>
    /// <param name="timeProvider">The clock a cosignature's time is checked against.</param>
    /// <param name="cancellationToken">Stops the exchange.</param>
    public static async Task<WitnessRound> SubmitAsync(ILedgerReader log, IReadOnlyList<WitnessSubmission> witnesses, LedgerSettings? verifyWith, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // A witness holding more than this snapshot may only mean another instance submitted a newer checkpoint
        // meanwhile: a fresh snapshot is read once before the log is said to be behind.
        WitnessRound round;
        var attempt = 0;
        do
        {
            round = await log.ReadLedgerAsync(snapshot => SubmitAsync(snapshot, witnesses, verifyWith, timeProvider, cancellationToken), cancellationToken);
        }
        while (round.Outcomes.Any(static outcome => outcome.Kind == WitnessOutcomeKind.LogBehindWitness) && ++attempt < 2);
        return round;
    }

    /// <summary>
    /// The size each witness is known to hold: that of the witnessed checkpoint kept with the log, for each witness whose
    /// cosignature on it verifies (so a witness that later holds less is found to have lost its state).
    /// </summary>
    public static Task<Dictionary<string, long>> KnownSizesAsync(ILedgerReader log, IEnumerable<CosignatureVerifier> witnesses, CancellationToken cancellationToken) =>
        log.ReadLedgerAsync(
            snapshot =>
            {
                var known = new Dictionary<string, long>(StringComparer.Ordinal);
                if (snapshot.ReadWitnessedCheckpoint() is { } note && Checkpoint.TryParse(SignedNote.TextOf(note), out var checkpoint, out _))
                {
                    foreach (var witness in witnesses.Where(witness => witness.VerifyNote(note) is not null))
                    {
                        known[witness.Name] = checkpoint!.Size;
                    }
                }

                return Task.FromResult(known);
            },
            cancellationToken);

    private static async Task<WitnessRound> SubmitAsync(ILedgerSnapshot snapshot, IReadOnlyList<WitnessSubmission> witnesses, LedgerSettings? verifyWith, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var top = snapshot.ReadTopLog(out var note);
        if (Unsubmittable(snapshot, top, note, verifyWith, cancellationToken) is { } problem)
        {
            return new WitnessRound(top.Size, null, [.. witnesses.Select(submission => WitnessOutcome.Refused(submission.Witness.Name, problem))]);
        }

        var outcomes = new List<WitnessOutcome>(witnesses.Count);
        foreach (var submission in witnesses)
        {
            try
            {
                outcomes.Add(await WitnessClient.SubmitAsync(
                    submission.Client,
                    submission.Witness,
                    note!,
                    (oldSize, newSize) => Task.FromResult(LedgerProofs.TopLevelConsistency(snapshot, oldSize, newSize)),
                    submission.KnownSize,
                    timeProvider,
                    cancellationToken));
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                outcomes.Add(WitnessOutcome.Unreachable(submission.Witness.Name, $"{submission.Client.BaseAddress} cannot be reached ({exception.Message})"));
            }
        }

        return new WitnessRound(top.Size, note, outcomes);
    }

    private static string? Unsubmittable(ILedgerSnapshot snapshot, LedgerTreeRow top, string? note, LedgerSettings? verifyWith, CancellationToken cancellationToken)
    {
        if (note is null || !SignedNote.IsSigned(note))
        {
            return "the log's checkpoints are not signed, and a witness cosigns only checkpoints signed with the log's key (AuditGen:Ledger:SigningKey)";
        }

        if (!Checkpoint.TryParse(SignedNote.TextOf(note), out var checkpoint, out var problem)
            || checkpoint!.Size != top.Size || !checkpoint.RootHash.AsSpan().SequenceEqual(top.ToTree().Root()))
        {
            return $"the log's newest checkpoint is not the one of its top-level tree ({problem ?? "size or root differ"}): run `auditgen verify`";
        }

        return verifyWith is not null && LedgerVerifier.Verify(snapshot, verifyWith, cancellationToken) is { IsIntact: false } broken
            ? $"nothing was submitted, since the log does not verify: {broken.Problem}"
            : null;
    }
}

/// <summary>A witness to submit to: its key, a client whose base address is its submission prefix, and the size it was last seen to hold (0 when unknown).</summary>
internal sealed record WitnessSubmission(CosignatureVerifier Witness, HttpClient Client, long KnownSize);

/// <summary>One checkpoint submitted to every witness: each one's answer, and the checkpoint with the cosignatures it got.</summary>
/// <param name="Size">The top-level size submitted.</param>
/// <param name="CheckpointNote">The checkpoint as the log signed it; null when none could be submitted.</param>
/// <param name="Outcomes">Each witness's answer, in the order given.</param>
internal sealed record WitnessRound(long Size, string? CheckpointNote, IReadOnlyList<WitnessOutcome> Outcomes)
{
    public int Cosigned => Outcomes.Count(static outcome => outcome.IsCosigned);

    /// <summary>The checkpoint with every cosignature it got, as a signed note; null when none cosigned it.</summary>
    public string? CosignedNote =>
        CheckpointNote is null || Cosigned == 0
            ? null
            : CheckpointNote + string.Concat(Outcomes.Where(static outcome => outcome.Cosignature is not null).Select(static outcome => outcome.Cosignature!.Line + "\n"));
}
