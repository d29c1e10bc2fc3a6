using AuditGen.Ledger;

namespace AuditGen.Stores;

/// <summary>The stores' ledger settings from the application's options, read the same way for every database.</summary>
internal static class LedgerSigning
{
    public static LedgerSettings Settings(AuditLedgerOptions options)
    {
        NoteSigner? signer = null;
        if (options.SigningKey is { } key && !NoteSigner.TryParse(key, out signer, out var problem))
        {
            throw new ArgumentException($"{AuditLedgerOptions.SectionName}:SigningKey is not a signing key ({problem}).", nameof(options));
        }

        return new LedgerSettings(signer, signer?.Verifier, options.CheckpointInterval);
    }

    /// <summary>Why <paramref name="key"/> is not a signing key, or <see langword="null"/> when it is one.</summary>
    public static string? Problem(string key)
    {
        if (!NoteSigner.TryParse(key, out var signer, out var problem))
        {
            return problem;
        }

        signer!.Dispose();
        return null;
    }
}
