using System.Buffers.Binary;
using System.Text;
using NSec.Cryptography;

namespace AuditGen.Ledger;

/// <summary>
/// A witness's key: cosigns checkpoints as <c>c2sp.org/tlog-cosignature</c> defines (<c>cosignature/v1</c>, Ed25519).
/// The signed message is <c>cosignature/v1</c>, <c>time &lt;seconds&gt;</c> and the checkpoint's text; the signature
/// line carries the key id, the time (8 bytes, big-endian) and the signature. Key texts are those of note keys with
/// the cosignature type 0x04: <c>PRIVATE+KEY+name+hex(key id)+base64(0x04 || seed)</c>.
/// </summary>
internal sealed class Cosigner : IDisposable
{
    private readonly Key _key;

    private Cosigner(string name, Key key)
    {
        _key = key;
        Verifier = CosignatureVerifier.From(name, key.PublicKey);
    }

    public string Name => Verifier.Name;

    public CosignatureVerifier Verifier { get; }

    /// <summary>A new random witness key named <paramref name="name"/>, in its signer-key text form.</summary>
    public static string Generate(string name) => NoteKeys.GenerateSignerKey(name, NoteKeys.CosignatureType);

    /// <summary>Reads a witness signer key, checking that its key id matches the key.</summary>
    public static bool TryParse(string text, out Cosigner? cosigner, out string? problem)
    {
        cosigner = NoteKeys.TryParseSignerKey(text, NoteKeys.CosignatureType, out var name, out var key, out problem) ? new Cosigner(name, key!) : null;
        return cosigner is not null;
    }

    /// <summary>The cosignature line of a checkpoint's text, made at <paramref name="timestamp"/> (Unix seconds).</summary>
    public string CosignatureLine(string checkpointText, long timestamp)
    {
        var signature = new byte[4 + 8 + NoteKeys.Ed25519.SignatureSize];
        BinaryPrimitives.WriteUInt32BigEndian(signature, Verifier.KeyId);
        BinaryPrimitives.WriteInt64BigEndian(signature.AsSpan(4), timestamp);
        NoteKeys.Ed25519.Sign(_key, CosignatureVerifier.SignedMessage(checkpointText, timestamp), signature.AsSpan(12));
        return $"{SignedNote.SignaturePrefix}{Name} {Convert.ToBase64String(signature)}\n";
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>The public half of a witness key: checks cosignature lines. Its text form is what a witness publishes.</summary>
internal sealed class CosignatureVerifier
{
    private readonly NotePublicKey _key;

    private CosignatureVerifier(NotePublicKey key) => _key = key;

    public string Name => _key.Name;

    public uint KeyId => _key.KeyId;

    internal static CosignatureVerifier From(string name, PublicKey publicKey) => new(NotePublicKey.From(name, NoteKeys.CosignatureType, publicKey));

    /// <summary>Reads a witness verifier key, <c>name+hex(key id)+base64(0x04 || public key)</c>.</summary>
    public static bool TryParse(string text, out CosignatureVerifier? verifier, out string? problem)
    {
        verifier = NotePublicKey.TryParse(text, NoteKeys.CosignatureType, out var key, out problem) ? new CosignatureVerifier(key!) : null;
        return verifier is not null;
    }

    /// <summary>This witness's cosignature on a signed note's text, when the note carries one that verifies.</summary>
    public Cosignature? VerifyNote(string note) => Verify(SignedNote.TextOf(note), SignedNote.SignatureLinesOf(note));

    /// <summary>
    /// Finds this witness's cosignature among <paramref name="signatureLines"/> and checks it over
    /// <paramref name="checkpointText"/>; returns it with its time, or null when there is none that verifies.
    /// </summary>
    public Cosignature? Verify(string checkpointText, IEnumerable<string> signatureLines)
    {
        foreach (var line in signatureLines)
        {
            var space = line.LastIndexOf(' ');
            if (!line.StartsWith(SignedNote.SignaturePrefix, StringComparison.Ordinal) || space <= SignedNote.SignaturePrefix.Length
                || line[SignedNote.SignaturePrefix.Length..space] != Name)
            {
                continue;
            }

            var signature = new byte[line.Length];
            if (Convert.TryFromBase64String(line[(space + 1)..].TrimEnd('\n'), signature, out var length)
                && length == 4 + 8 + NoteKeys.Ed25519.SignatureSize
                && BinaryPrimitives.ReadUInt32BigEndian(signature) == KeyId
                && BinaryPrimitives.ReadInt64BigEndian(signature.AsSpan(4)) is var timestamp and >= 0
                && _key.Verify(SignedMessage(checkpointText, timestamp), signature.AsSpan(12, length - 12)))
            {
                return new Cosignature(Name, timestamp, line.TrimEnd('\n'));
            }
        }

        return null;
    }

    /// <summary>What a cosignature signs: <c>cosignature/v1</c>, <c>time &lt;seconds&gt;</c>, then the checkpoint's text.</summary>
    internal static byte[] SignedMessage(string checkpointText, long timestamp) =>
        Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"cosignature/v1\ntime {timestamp}\n{checkpointText}"));

    public override string ToString() => _key.ToString();
}

/// <summary>A witness's cosignature that verified: its time (Unix seconds) and its signature line.</summary>
internal sealed record Cosignature(string Witness, long Timestamp, string Line);
