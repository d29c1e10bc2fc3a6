using AuditGen.Ledger;

namespace AuditGen.Stores;

/// <summary>A store whose ledger can be read directly, from one consistent snapshot: for proofs, witnesses and exports.</summary>
internal interface ILedgerReader
{
    /// <summary>
    /// Integrates what was committed before the call, then runs <paramref name="read"/> on one snapshot of the ledger,
    /// held until it completes (a witness exchange reads proofs from it between requests).
    /// </summary>
    Task<T> ReadLedgerAsync<T>(Func<ILedgerSnapshot, Task<T>> read, CancellationToken cancellationToken);
}
