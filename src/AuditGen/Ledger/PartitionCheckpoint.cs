using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// A partition's checkpoint, the leaf the top-level log commits to. Its origin names the partition only by a hash, so
/// a top-level checkpoint, or a proof shown to an auditor, names no organization.
/// </summary>
internal static class PartitionCheckpoint
{
    private const string PurgedExtension = "purged ";

    public static string Origin(string logOrigin, string partition) =>
        $"{logOrigin}/p/{Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(partition)))}";

    public static string Text(string logOrigin, LedgerTree tree) =>
        new Checkpoint(
            Origin(logOrigin, tree.Partition),
            tree.Size,
            tree.Root(),
            tree.PurgedThrough > 0 ? [PurgedExtension + tree.PurgedThrough.ToString(CultureInfo.InvariantCulture)] : []).ToNoteText();

    /// <summary>The purge mark a partition checkpoint states (0 when it states none).</summary>
    public static long PurgedThrough(Checkpoint checkpoint) =>
        checkpoint.Extensions.FirstOrDefault(static line => line.StartsWith(PurgedExtension, StringComparison.Ordinal)) is { } line
            && long.TryParse(line.AsSpan(PurgedExtension.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var purged)
            ? purged
            : 0;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
