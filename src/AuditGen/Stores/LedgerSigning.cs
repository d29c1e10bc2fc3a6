using AuditGen.Ledger;

namespace AuditGen.Stores;

/// <summary>The stores' ledger settings from the application's options, read the same way for every database.</summary>
internal static class LedgerSigning
{
    public static LedgerSettings Settings(AuditLedgerOptions options)
    {
        try
        {
            return options.SigningKey is { } key
                ? LedgerSettings.SignedWith(key, options.CheckpointInterval)
                : LedgerSettings.Unsigned with { CheckpointInterval = options.CheckpointInterval };
        }
        catch (FormatException exception)
        {
            throw new ArgumentException($"{AuditLedgerOptions.SectionName}:SigningKey is not a signing key ({exception.Message}).", nameof(options));
        }
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
