using AuditGen.Ledger;
using AuditGen.Pipeline;

namespace AuditGen.Stores;

/// <summary>What <c>verify</c> reports for a log, the same for every database: a sealed chain first, when a previous version wrote one, then the ledger.</summary>
internal static class LedgerReport
{
    /// <param name="sealedChain">The sealed chain's verification, or <see langword="null"/> when the log never had one.</param>
    /// <param name="verifyLedger">Verifies the ledger; not called when the sealed chain is already broken.</param>
    /// <param name="purgedFeed">The last record retention removed.</param>
    public static AuditChainVerification Verification(AuditChainVerification? sealedChain, Func<LedgerVerification> verifyLedger, long purgedFeed)
    {
        var chain = sealedChain ?? new AuditChainVerification(true, 0, null, null, 0);
        if (!chain.IsIntact)
        {
            return chain with { Problem = $"in the chain sealed under the ledger: {chain.Problem}" };
        }

        var ledger = verifyLedger();
        return ledger.IsIntact
            ? chain with { RecordsChecked = chain.RecordsChecked + ledger.RecordsChecked, CheckpointSequence = purgedFeed }
            : new AuditChainVerification(
                false,
                chain.RecordsChecked + ledger.RecordsChecked,
                ledger.Feed,
                ledger.Partition is null ? ledger.Problem : $"organization '{ledger.Partition}', record {ledger.PartitionIndex}: {ledger.Problem}",
                purgedFeed);
    }
}
