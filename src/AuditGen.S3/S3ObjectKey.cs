using System.Globalization;
using System.Text;

namespace AuditGen.Sinks.S3;

/// <summary>
/// <c>{prefix}{organization}/{yyyy}/{MM}/{dd}/{first}-{last}.jsonl.gz</c>: the organization (escaped, so that no id can
/// reach outside its own folder), the day its first record happened (UTC), and the store positions of its first and
/// last record, 20 digits each so that keys sort in log order. The same records always make the same key, so a retried
/// upload replaces its own object and never adds a second one.
/// </summary>
internal static class S3ObjectKey
{
    public static string For(string prefix, string organizationId, DateTimeOffset firstOccurredAt, long firstSequence, long lastSequence)
    {
        var day = firstOccurredAt.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}{Folder(organizationId)}/{day:yyyy}/{day:MM}/{day:dd}/{firstSequence:D20}-{lastSequence:D20}.jsonl.gz");
    }

    /// <summary>Percent-escapes everything but letters, digits, <c>-</c> and <c>_</c> (so <c>/</c>, <c>.</c> and control characters too).</summary>
    private static string Folder(string organizationId)
    {
        var folder = new StringBuilder(organizationId.Length);
        foreach (var b in Encoding.UTF8.GetBytes(organizationId))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_')
            {
                folder.Append((char)b);
            }
            else
            {
                folder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return folder.Length == 0 ? "%00" : folder.ToString();
    }
}
