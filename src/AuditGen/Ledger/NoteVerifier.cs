using NSec.Cryptography;

namespace AuditGen.Ledger;

/// <summary>The public half of a note key: checks a signature line's signature. Its text form is what a log publishes.</summary>
internal sealed class NoteVerifier
{
    private readonly NotePublicKey _key;

    private NoteVerifier(NotePublicKey key) => _key = key;

    public string Name => _key.Name;

    public uint KeyId => _key.KeyId;

    internal static NoteVerifier From(string name, PublicKey publicKey) => new(NotePublicKey.From(name, NoteKeys.Ed25519Type, publicKey));

    /// <summary>Reads a verifier key, <c>name+hex(key id)+base64(0x01 || public key)</c>.</summary>
    public static bool TryParse(string text, out NoteVerifier? verifier, out string? problem)
    {
        verifier = NotePublicKey.TryParse(text, NoteKeys.Ed25519Type, out var key, out problem) ? new NoteVerifier(key!) : null;
        return verifier is not null;
    }

    public bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature) => _key.Verify(text, signature);

    public override string ToString() => _key.ToString();
}
