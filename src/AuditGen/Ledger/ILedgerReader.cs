namespace AuditGen.Ledger;

/// <summary>
/// A store whose ledger can be read directly, from one consistent snapshot (for proofs, witnesses and exports), and which
/// keeps the newest checkpoint its witnesses cosigned.
/// </summary>
internal interface ILedgerReader
{
    /// <summary>
    /// Integrates what was committed before the call, then runs <paramref name="read"/> on one snapshot of the ledger,
    /// held until it completes (a witness exchange reads proofs from it between requests).
    /// </summary>
    Task<T> ReadLedgerAsync<T>(Func<ILedgerSnapshot, Task<T>> read, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps <paramref name="cosignedNote"/>, the top-level checkpoint of <paramref name="size"/> signed by the log and
    /// cosigned by enough witnesses, unless one of a larger size is kept already (another instance's).
    /// </summary>
    Task KeepWitnessedCheckpointAsync(long size, string cosignedNote, CancellationToken cancellationToken);
}
