using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace AuditGen.Ledger;

/// <summary>
/// Ed25519 note keys as <c>c2sp.org/signed-note</c> defines them and Go's <c>golang.org/x/mod/sumdb/note</c> writes them:
/// a verifier key is <c>name+hex(key id)+base64(type || public key)</c>, a signer key is
/// <c>PRIVATE+KEY+name+hex(key id)+base64(type || seed)</c>, and the key id is the first 4 bytes of
/// SHA-256(name || 0x0A || type || public key). The type is 0x01 for a log's note signatures and 0x04 for a witness's
/// cosignatures (<c>c2sp.org/tlog-cosignature</c>).
/// </summary>
internal static class NoteKeys
{
    public const byte Ed25519Type = 0x01;
    public const byte CosignatureType = 0x04;
    public const string SignerKeyPrefix = "PRIVATE+KEY+";

    public static SignatureAlgorithm Ed25519 => SignatureAlgorithm.Ed25519;

    /// <summary>Whether <paramref name="name"/> can name a key: not empty, and no spaces or <c>+</c>.</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && !name.Any(static c => c == '+' || char.IsWhiteSpace(c) || char.IsControl(c));

    public static uint KeyId(string name, ReadOnlySpan<byte> publicKey, byte type = Ed25519Type)
    {
        var input = new byte[Encoding.UTF8.GetByteCount(name) + 2 + publicKey.Length];
        var written = Encoding.UTF8.GetBytes(name, input);
        input[written] = (byte)'\n';
        input[written + 1] = type;
        publicKey.CopyTo(input.AsSpan(written + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    public static string Hex(uint keyId) => keyId.ToString("x8", CultureInfo.InvariantCulture);

    /// <summary>A new random Ed25519 key named <paramref name="name"/>, in the signer-key text form with <paramref name="type"/>.</summary>
    public static string GenerateSignerKey(string name, byte type)
    {
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' cannot name a key: it must not be empty, nor hold spaces or '+'.", nameof(name));
        }

        using var key = Key.Create(Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
        var keyId = KeyId(name, key.PublicKey.Export(KeyBlobFormat.RawPublicKey), type);
        return $"{SignerKeyPrefix}{name}+{Hex(keyId)}+{Convert.ToBase64String([type, .. key.Export(KeyBlobFormat.RawPrivateKey)])}";
    }

    /// <summary>
    /// Reads a signer key of <paramref name="type"/>: <c>PRIVATE+KEY+</c> then <c>name+hex(key id)+base64(type || seed)</c>,
    /// checking that its key id matches the name and the key.
    /// </summary>
    internal static bool TryParseSignerKey(string text, byte type, out string name, out Key? key, out string? problem)
    {
        (name, key) = ("", null);
        if (!text.StartsWith(SignerKeyPrefix, StringComparison.Ordinal))
        {
            problem = $"a signer key starts with {SignerKeyPrefix}";
            return false;
        }

        if (!TryParse(text[SignerKeyPrefix.Length..], 32, type, out name, out var keyId, out var seed, out problem))
        {
            return false;
        }

        var imported = Key.Import(Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        if (KeyId(name, imported.PublicKey.Export(KeyBlobFormat.RawPublicKey), type) != keyId)
        {
            imported.Dispose();
            problem = "the key id does not match the name and the key";
            return false;
        }

        key = imported;
        return true;
    }

    /// <summary>Reads <c>name+hex(key id)+base64(type || key)</c>, checking the name, the type and the length.</summary>
    internal static bool TryParse(string text, int keyLength, byte type, out string name, out uint keyId, out byte[] key, out string? problem)
    {
        (name, keyId, key) = ("", 0, []);
        var parts = text.Split('+', 3);
        if (parts.Length != 3 || !IsValidName(parts[0]) || parts[1].Length != 8
            || !uint.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out keyId))
        {
            problem = "a key is written name+hex key id+base64 key";
            return false;
        }

        var buffer = new byte[parts[2].Length];
        if (!Convert.TryFromBase64String(parts[2], buffer, out var length) || length != keyLength + 1 || buffer[0] != type)
        {
            problem = type == Ed25519Type
                ? "the key is not a base64 Ed25519 key (type 0x01 and 32 bytes)"
                : $"the key is not a base64 Ed25519 key of type 0x{type:x2} and 32 bytes";
            return false;
        }

        (name, key) = (parts[0], buffer[1..length]);
        problem = null;
        return true;
    }
}
