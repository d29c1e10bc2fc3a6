using NSec.Cryptography;

namespace AuditGen.Ledger;

/// <summary>The public half of a note key: checks a signature line's signature. Its text form is what a log publishes.</summary>
internal sealed class NoteVerifier
{
    private readonly PublicKey _publicKey;

    private NoteVerifier(string name, uint keyId, PublicKey publicKey)
    {
        Name = name;
        KeyId = keyId;
        _publicKey = publicKey;
    }

    public string Name { get; }

    public uint KeyId { get; }

    internal static NoteVerifier From(string name, PublicKey publicKey) =>
        new(name, NoteKeys.KeyId(name, publicKey.Export(KeyBlobFormat.RawPublicKey)), publicKey);

    /// <summary>Reads a verifier key, <c>name+hex(key id)+base64(0x01 || public key)</c>.</summary>
    public static bool TryParse(string text, out NoteVerifier? verifier, out string? problem)
    {
        verifier = null;
        if (!NoteKeys.TryParse(text, 32, out var name, out var keyId, out var key, out problem))
        {
            return false;
        }

        if (!PublicKey.TryImport(NoteKeys.Ed25519, key, KeyBlobFormat.RawPublicKey, out var publicKey) || NoteKeys.KeyId(name, key) != keyId)
        {
            problem = "the key id does not match the name and the public key";
            return false;
        }

        verifier = new NoteVerifier(name, keyId, publicKey!);
        return true;
    }

    public bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature) => NoteKeys.Ed25519.Verify(_publicKey, text, signature);

    public override string ToString() =>
        $"{Name}+{NoteKeys.Hex(KeyId)}+{Convert.ToBase64String([NoteKeys.Ed25519Type, .. _publicKey.Export(KeyBlobFormat.RawPublicKey)])}";
}
