using AuditGen.Ledger;

namespace AuditGen.Tests.Contracts;

/// <summary>Test log keys: one generated per distinct key, so a store reopened with the same key signs with the same log key.</summary>
internal static class LedgerKeys
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> s_signers = new();

    public static LedgerSettings SettingsFor(byte[]? key)
    {
        if (key is null)
        {
            return LedgerSettings.Unsigned with { CheckpointInterval = TimeSpan.Zero };
        }

        return LedgerSettings.SignedWith(s_signers.GetOrAdd(Convert.ToHexString(key), static _ => NoteSigner.Generate("auditgen.test/log")), TimeSpan.Zero);
    }
}
