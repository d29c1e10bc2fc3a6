using System.Globalization;
using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// A proof in the form of <c>c2sp.org/tlog-proof@v1</c>: the entry's index, its RFC 9162 inclusion proof, and the signed
/// (and cosigned) checkpoint it leads to, verifiable offline with the log's and the witnesses' keys.
/// </summary>
internal sealed record TlogProof(long Index, IReadOnlyList<byte[]> Hashes, string CheckpointNote)
{
    private const string Header = "c2sp.org/tlog-proof@v1";

    public string ToText()
    {
        var text = new StringBuilder(Header).Append('\n').Append(CultureInfo.InvariantCulture, $"index {Index}\n");
        foreach (var hash in Hashes)
        {
            text.Append(Convert.ToBase64String(hash)).Append('\n');
        }

        return text.Append('\n').Append(CheckpointNote).ToString();
    }

    /// <summary>Reads a proof's text; <paramref name="problem"/> says what is wrong with one that is not. Extra data is skipped: it is not authenticated.</summary>
    public static bool TryParse(string text, out TlogProof? proof, out string? problem)
    {
        proof = null;
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0)
        {
            problem = "a tlog-proof has an empty line before its checkpoint";
            return false;
        }

        var lines = text[..blank].Split('\n');
        var line = 0;
        if (lines[line++] != Header)
        {
            problem = $"a tlog-proof starts with '{Header}'";
            return false;
        }

        if (line < lines.Length && lines[line].StartsWith("extra ", StringComparison.Ordinal))
        {
            line++;
        }

        if (line >= lines.Length || !lines[line].StartsWith("index ", StringComparison.Ordinal)
            || !Checkpoint.IsDecimal(lines[line]["index ".Length..])
            || !long.TryParse(lines[line].AsSpan("index ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            problem = "the tlog-proof's index line is missing or not a decimal number";
            return false;
        }

        var hashes = new List<byte[]>();
        foreach (var hashLine in lines.Skip(line + 1))
        {
            var hash = new byte[MerkleHash.Size + 1];
            if (!Convert.TryFromBase64String(hashLine, hash, out var length) || length != MerkleHash.Size)
            {
                problem = "a line of the tlog-proof's inclusion proof is not the base64 of 32 bytes";
                return false;
            }

            hashes.Add(hash[..MerkleHash.Size]);
        }

        proof = new TlogProof(index, hashes, text[(blank + 2)..]);
        problem = null;
        return true;
    }
}
