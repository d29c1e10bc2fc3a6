using System.Buffers.Binary;
using System.Text;
using NSec.Cryptography;

namespace AuditGen.Ledger;

/// <summary>
/// The private half of a note key: signs note texts with Ed25519 (<c>c2sp.org/signed-note</c>). Its text form,
/// <c>PRIVATE+KEY+name+hex(key id)+base64(0x01 || seed)</c>, is configuration and never leaves the application.
/// </summary>
internal sealed class NoteSigner : IDisposable
{
    private readonly Key _key;

    private NoteSigner(string name, Key key)
    {
        _key = key;
        Verifier = NoteVerifier.From(name, key.PublicKey);
    }

    public string Name => Verifier.Name;

    public NoteVerifier Verifier { get; }

    /// <summary>A new random key named <paramref name="name"/>, in its signer-key text form.</summary>
    public static string Generate(string name)
    {
        if (!NoteKeys.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' cannot name a key: it must not be empty, nor hold spaces or '+'.", nameof(name));
        }

        using var key = Key.Create(NoteKeys.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var seed = key.Export(KeyBlobFormat.RawPrivateKey);
        var keyId = NoteKeys.KeyId(name, key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
        return $"{NoteKeys.SignerKeyPrefix}{name}+{NoteKeys.Hex(keyId)}+{Convert.ToBase64String([NoteKeys.Ed25519Type, .. seed])}";
    }

    /// <summary>Reads a signer key, checking that its key id matches the key.</summary>
    public static bool TryParse(string text, out NoteSigner? signer, out string? problem)
    {
        signer = null;
        if (!text.StartsWith(NoteKeys.SignerKeyPrefix, StringComparison.Ordinal))
        {
            problem = $"a signer key starts with {NoteKeys.SignerKeyPrefix}";
            return false;
        }

        if (!NoteKeys.TryParse(text[NoteKeys.SignerKeyPrefix.Length..], 32, out var name, out var keyId, out var seed, out problem))
        {
            return false;
        }

        var key = Key.Import(NoteKeys.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        var created = new NoteSigner(name, key);
        if (created.Verifier.KeyId != keyId)
        {
            created.Dispose();
            problem = "the key id does not match the name and the key";
            return false;
        }

        signer = created;
        return true;
    }

    /// <summary>The signature line of <paramref name="text"/>: <c>— name base64(key id || signature)</c> and a newline.</summary>
    public string SignatureLine(string text)
    {
        var signature = new byte[4 + NoteKeys.Ed25519.SignatureSize];
        BinaryPrimitives.WriteUInt32BigEndian(signature, Verifier.KeyId);
        NoteKeys.Ed25519.Sign(_key, Encoding.UTF8.GetBytes(text), signature.AsSpan(4));
        return $"{SignedNote.SignaturePrefix}{Name} {Convert.ToBase64String(signature)}\n";
    }

    public void Dispose() => _key.Dispose();
}
