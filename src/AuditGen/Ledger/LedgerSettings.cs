namespace AuditGen.Ledger;

/// <summary>How a store's ledger signs and how often the top-level log commits to the partitions.</summary>
/// <param name="Signer">The log key that signs top-level checkpoints; <see langword="null"/> leaves them unsigned.</param>
/// <param name="Verifier">The public key checkpoints are checked with; the signer's own when it is known.</param>
/// <param name="CheckpointInterval">The longest a change waits for a top-level checkpoint.</param>
internal sealed record LedgerSettings(NoteSigner? Signer, NoteVerifier? Verifier, TimeSpan CheckpointInterval)
{
    /// <summary>The origin of checkpoints that no key signs.</summary>
    public const string UnsignedOrigin = "auditgen.invalid/unsigned";

    public static LedgerSettings Unsigned { get; } = new(null, null, TimeSpan.FromSeconds(1));

    /// <summary>Signs with the signer key <paramref name="signingKey"/> (text form), which also verifies.</summary>
    /// <exception cref="FormatException">It is not a signer key; the message says why.</exception>
    public static LedgerSettings SignedWith(string signingKey, TimeSpan checkpointInterval) =>
        NoteSigner.TryParse(signingKey, out var signer, out var problem)
            ? new LedgerSettings(signer, signer!.Verifier, checkpointInterval)
            : throw new FormatException(problem);

    /// <summary>Signs nothing, and checks checkpoints with the verifier key <paramref name="verifierKey"/> (text form).</summary>
    /// <exception cref="FormatException">It is not a verifier key; the message says why.</exception>
    public static LedgerSettings VerifiedWith(string verifierKey) =>
        NoteVerifier.TryParse(verifierKey, out var verifier, out var problem)
            ? Unsigned with { Verifier = verifier }
            : throw new FormatException(problem);

    /// <summary>The log's origin, the first line of each checkpoint: the signing key's name.</summary>
    public string Origin => Signer?.Name ?? Verifier?.Name ?? UnsignedOrigin;
}
