using AuditGen.Ledger;

namespace AuditGen.Stores.Witnesses;

/// <summary>
/// A log's side of witnessing: its newest signed top-level checkpoint, submitted with the proofs the witness asks for,
/// all read from one snapshot of the log. The checkpoint must be the one the snapshot's top-level tree has; given
/// settings, the whole ledger of that snapshot is verified first, so that what the witness judges is what was checked.
/// </summary>
internal static class LedgerWitnessing
{
    /// <summary>Submits the log's newest checkpoint to one witness; see <see cref="WitnessClient.SubmitAsync"/>.</summary>
    /// <param name="log">The log.</param>
    /// <param name="client">Sends to the witness.</param>
    /// <param name="witness">The witness's key.</param>
    /// <param name="knownSize">The size the witness was last seen to hold.</param>
    /// <param name="verifyWith">Verify the snapshot's ledger with these settings first (the CLI); null to only check the checkpoint against its tree.</param>
    /// <param name="timeProvider">The clock a cosignature's time is checked against.</param>
    /// <param name="cancellationToken">Stops the exchange.</param>
    public static async Task<WitnessOutcome> SubmitAsync(ILedgerReader log, HttpClient client, CosignatureVerifier witness, long knownSize, LedgerSettings? verifyWith, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        // A witness holding more than this snapshot may only mean another instance submitted a newer checkpoint
        // meanwhile: a fresh snapshot is read once before the log is said to be behind.
        WitnessOutcome outcome;
        var attempt = 0;
        do
        {
            outcome = await log.ReadLedgerAsync(snapshot => SubmitAsync(snapshot, client, witness, knownSize, verifyWith, timeProvider, cancellationToken), cancellationToken);
        }
        while (outcome.Kind == WitnessOutcomeKind.LogBehindWitness && ++attempt < 2);
        return outcome;
    }

    private static async Task<WitnessOutcome> SubmitAsync(ILedgerSnapshot snapshot, HttpClient client, CosignatureVerifier witness, long knownSize, LedgerSettings? verifyWith, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var top = snapshot.ReadTopLog(out var note);
        if (note is null || !SignedNote.IsSigned(note))
        {
            return WitnessOutcome.Refused(witness.Name, "the log's checkpoints are not signed, and a witness cosigns only checkpoints signed with the log's key (AuditGen:Ledger:SigningKey)");
        }

        if (!Checkpoint.TryParse(SignedNote.TextOf(note), out var checkpoint, out var problem)
            || checkpoint!.Size != top.Size || !checkpoint.RootHash.AsSpan().SequenceEqual(top.ToTree().Root()))
        {
            return WitnessOutcome.Refused(witness.Name, $"the log's newest checkpoint is not the one of its top-level tree ({problem ?? "size or root differ"}): run `auditgen verify`");
        }

        if (verifyWith is not null && LedgerVerifier.Verify(snapshot, verifyWith, cancellationToken) is { IsIntact: false } broken)
        {
            return WitnessOutcome.Refused(witness.Name, $"nothing was submitted, since the log does not verify: {broken.Problem}");
        }

        return await WitnessClient.SubmitAsync(
            client,
            witness,
            note,
            (oldSize, newSize) => Task.FromResult(LedgerProofs.TopLevelConsistency(snapshot, oldSize, newSize)),
            knownSize,
            timeProvider,
            cancellationToken);
    }
}
