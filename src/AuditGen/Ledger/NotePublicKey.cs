using NSec.Cryptography;

namespace AuditGen.Ledger;

/// <summary>
/// A published Ed25519 key in the text form of <c>c2sp.org/signed-note</c>: <c>name+hex(key id)+base64(type || key)</c>,
/// the key id binding the name and the type to the key. Logs publish type 0x01, witnesses 0x04; what each signs
/// differs, and is the business of <see cref="NoteVerifier"/> and <see cref="CosignatureVerifier"/>.
/// </summary>
internal sealed class NotePublicKey
{
    private readonly PublicKey _publicKey;

    private NotePublicKey(string name, byte type, PublicKey publicKey)
    {
        Name = name;
        Type = type;
        KeyId = NoteKeys.KeyId(name, publicKey.Export(KeyBlobFormat.RawPublicKey), type);
        _publicKey = publicKey;
    }

    public string Name { get; }

    public byte Type { get; }

    public uint KeyId { get; }

    public static NotePublicKey From(string name, byte type, PublicKey publicKey) => new(name, type, publicKey);

    /// <summary>Reads a key of <paramref name="type"/>; <paramref name="problem"/> says what is wrong with one that is not.</summary>
    public static bool TryParse(string text, byte type, out NotePublicKey? key, out string? problem)
    {
        key = null;
        if (!NoteKeys.TryParse(text, 32, type, out var name, out var keyId, out var raw, out problem))
        {
            return false;
        }

        if (!PublicKey.TryImport(NoteKeys.Ed25519, raw, KeyBlobFormat.RawPublicKey, out var publicKey) || NoteKeys.KeyId(name, raw, type) != keyId)
        {
            problem = "the key id does not match the name and the public key";
            return false;
        }

        key = new NotePublicKey(name, type, publicKey!);
        return true;
    }

    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) => NoteKeys.Ed25519.Verify(_publicKey, message, signature);

    public override string ToString() =>
        $"{Name}+{NoteKeys.Hex(KeyId)}+{Convert.ToBase64String([Type, .. _publicKey.Export(KeyBlobFormat.RawPublicKey)])}";
}
