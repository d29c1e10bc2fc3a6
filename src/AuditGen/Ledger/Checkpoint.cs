using System.Globalization;
using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// A checkpoint in the form of <c>c2sp.org/tlog-checkpoint</c>: the log's origin line, the tree size in decimal, the root
/// hash in base64, then optional extension lines, each ending in a newline. Signed as a note (<see cref="SignedNote"/>).
/// </summary>
internal sealed record Checkpoint(string Origin, long Size, byte[] RootHash, IReadOnlyList<string> Extensions)
{
    public Checkpoint(string origin, long size, byte[] rootHash)
        : this(origin, size, rootHash, [])
    {
    }

    public string ToNoteText()
    {
        var text = new StringBuilder()
            .Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(RootHash)).Append('\n');
        foreach (var extension in Extensions)
        {
            text.Append(extension).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Reads a checkpoint's note text; <paramref name="problem"/> says what is wrong with one that is not.</summary>
    public static bool TryParse(string text, out Checkpoint? checkpoint, out string? problem)
    {
        checkpoint = null;
        if (!text.EndsWith('\n'))
        {
            problem = "a checkpoint ends with a newline";
            return false;
        }

        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            problem = "a checkpoint has an origin, a size and a root hash line";
            return false;
        }

        if (lines[0].Length == 0)
        {
            problem = "the origin line is empty";
            return false;
        }

        if (!IsDecimal(lines[1]) || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            problem = $"the size line '{lines[1]}' is not a decimal number without leading zeros";
            return false;
        }

        var root = new byte[MerkleHash.Size + 1];
        if (!Convert.TryFromBase64String(lines[2], root, out var length) || length != MerkleHash.Size)
        {
            problem = "the root hash line is not the base64 of 32 bytes";
            return false;
        }

        if (lines.Skip(3).Any(static line => line.Length == 0))
        {
            problem = "an extension line is empty";
            return false;
        }

        checkpoint = new Checkpoint(lines[0], size, root[..MerkleHash.Size], lines[3..]);
        problem = null;
        return true;
    }

    internal static bool IsDecimal(string line) =>
        line.Length > 0 && line.All(char.IsAsciiDigit) && (line.Length == 1 || line[0] != '0');
}
