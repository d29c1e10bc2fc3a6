using System.Security.Cryptography;
using System.Text;

namespace AuditGen.Stores.Chain;

/// <summary>
/// Signs the chain head and retention checkpoints with HMAC-SHA256 under different tags, so a head's
/// signature cannot pass as a checkpoint's. Without a key nothing is signed and no signature is expected.
/// </summary>
internal sealed class AuditChainSigner(byte[]? key)
{
    private const string HeadTag = "AuditGen.head.v1";

    private const string CheckpointTag = "AuditGen.checkpoint.v1";

    public bool ChecksSignatures => key is not null;

    /// <summary>A chain key as configured (base64, checked at start-up), or <see langword="null"/> for none.</summary>
    public static byte[]? DecodeKey(string? base64) => base64 is null ? null : Convert.FromBase64String(base64);

    public byte[]? SignHead(long sequence, byte[] hash) => Sign(Signed(HeadTag, sequence, hash, ""));

    public byte[]? SignCheckpoint(long sequence, byte[] hash, string extra) => Sign(Signed(CheckpointTag, sequence, hash, extra));

    public bool HeadHolds(ChainPoint head) => Holds(head.Signature, Signed(HeadTag, head.Sequence, head.Hash, ""));

    public bool CheckpointHolds(ChainPoint checkpoint) => Holds(checkpoint.Signature, Signed(CheckpointTag, checkpoint.Sequence, checkpoint.Hash, checkpoint.Extra));

    /// <summary>What a signature covers: the tag, the fields, the hash.</summary>
    private static byte[] Signed(string tag, long sequence, byte[] hash, string extra) =>
        [.. Encoding.ASCII.GetBytes($"{tag}:{sequence}:{extra}:"), .. hash];

    private byte[]? Sign(byte[] data) => key is null ? null : HMACSHA256.HashData(key, data);

    /// <summary>With a key, the signature must match; without one, no signature is expected (a stored one is ignored).</summary>
    private bool Holds(byte[]? signature, byte[] data) =>
        key is null || (signature is not null && CryptographicOperations.FixedTimeEquals(signature, Sign(data)));
}

/// <summary>A point the chain is anchored at: the head, or a retention checkpoint (<paramref name="Extra"/> holds its purged count and time).</summary>
internal readonly record struct ChainPoint(long Sequence, byte[] Hash, byte[]? Signature, string Extra = "");
