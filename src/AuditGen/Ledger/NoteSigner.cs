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
    public static string Generate(string name) => NoteKeys.GenerateSignerKey(name, NoteKeys.Ed25519Type);

    /// <summary>Reads a signer key, checking that its key id matches the key.</summary>
    public static bool TryParse(string text, out NoteSigner? signer, out string? problem)
    {
        signer = NoteKeys.TryParseSignerKey(text, NoteKeys.Ed25519Type, out var name, out var key, out problem) ? new NoteSigner(name, key!) : null;
        return signer is not null;
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
