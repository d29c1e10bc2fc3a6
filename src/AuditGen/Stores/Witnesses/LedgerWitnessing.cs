using AuditGen.Ledger;

namespace AuditGen.Stores.Witnesses;

/// <summary>A log's side of witnessing: its newest signed top-level checkpoint, submitted with the proofs the witness asks for.</summary>
internal static class LedgerWitnessing
{
    /// <summary>Submits the log's newest checkpoint to one witness; see <see cref="WitnessClient.SubmitAsync"/>.</summary>
    public static async Task<WitnessOutcome> SubmitAsync(ILedgerReader log, HttpClient client, CosignatureVerifier witness, long knownSize, CancellationToken cancellationToken)
    {
        var note = await log.ReadLedgerAsync(static snapshot =>
        {
            snapshot.ReadTopLog(out var latest);
            return latest;
        }, cancellationToken);
        if (note is null || !SignedNote.IsSigned(note))
        {
            return WitnessOutcome.Refused(witness.Name, "the log's checkpoints are not signed, and a witness cosigns only checkpoints signed with the log's key (AuditGen:Ledger:SigningKey)");
        }

        return await WitnessClient.SubmitAsync(
            client,
            witness,
            note,
            (oldSize, newSize) => log.ReadLedgerAsync(snapshot => LedgerProofs.TopLevelConsistency(snapshot, oldSize, newSize), cancellationToken),
            knownSize,
            cancellationToken);
    }
}
