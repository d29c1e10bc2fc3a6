using System.Buffers.Binary;
using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// Notes signed as <c>c2sp.org/signed-note</c> says: the text (ending in a newline), a blank line, then one line per
/// signature, <c>— name base64(key id || signature)</c>. The signatures cover the text only, so a witness can add its
/// cosignature line to a note without touching the log's.
/// </summary>
internal static class SignedNote
{
    public const string SignaturePrefix = "\u2014 ";

    private const int MaxSignatures = 100;

    public static string Sign(string text, params IReadOnlyList<NoteSigner> signers)
    {
        if (!text.EndsWith('\n') || text.Contains("\n\n", StringComparison.Ordinal))
        {
            throw new ArgumentException("A note's text ends with a newline and holds no blank line.", nameof(text));
        }

        return text + "\n" + string.Concat(signers.Select(signer => signer.SignatureLine(text)));
    }

    /// <summary>The text a note's signatures cover: up to its blank line, or the whole note when it carries none.</summary>
    public static string TextOf(string note) =>
        note.IndexOf("\n\n", StringComparison.Ordinal) is >= 0 and var split ? note[..(split + 1)] : note;

    /// <summary>The signature lines of a note, after its blank line (none when it carries none).</summary>
    public static string[] SignatureLinesOf(string note) =>
        note.IndexOf("\n\n", StringComparison.Ordinal) is >= 0 and var split ? note[(split + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>Whether <paramref name="note"/> carries signature lines (a bare checkpoint carries none).</summary>
    public static bool IsSigned(string note) => note.Contains("\n\n" + SignaturePrefix, StringComparison.Ordinal);

    /// <summary>
    /// Reads a note and checks the signatures of the keys in <paramref name="known"/>; lines of other keys are kept but not
    /// checked. A note is refused when it is malformed, when a known key's signature does not verify, or when no known key signed it.
    /// </summary>
    public static NoteOpening Open(string note, IReadOnlyList<NoteVerifier> known)
    {
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n'))
        {
            return NoteOpening.Refused("the note has no blank line before its signatures");
        }

        var text = note[..(split + 1)];
        if (split + 2 >= note.Length)
        {
            return NoteOpening.Refused("the note has no signatures");
        }

        var lines = note[(split + 2)..^1].Split('\n');
        if (lines.Length > MaxSignatures)
        {
            return NoteOpening.Refused($"the note has more than {MaxSignatures} signatures");
        }

        var textBytes = Encoding.UTF8.GetBytes(text);
        var verifiedBy = new List<NoteVerifier>();
        foreach (var line in lines)
        {
            var space = line.LastIndexOf(' ');
            if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal) || space <= SignaturePrefix.Length)
            {
                return NoteOpening.Refused($"'{line}' is not a signature line");
            }

            var name = line[SignaturePrefix.Length..space];
            var signature = new byte[line.Length];
            if (!NoteKeys.IsValidName(name) || !Convert.TryFromBase64String(line[(space + 1)..], signature, out var length) || length < 5)
            {
                return NoteOpening.Refused($"'{line}' is not a signature line");
            }

            var keyId = BinaryPrimitives.ReadUInt32BigEndian(signature);
            var verifier = known.FirstOrDefault(v => v.Name == name && v.KeyId == keyId);
            if (verifier is null || verifiedBy.Contains(verifier))
            {
                continue;
            }

            if (!verifier.Verify(textBytes, signature.AsSpan(4, length - 4)))
            {
                return NoteOpening.Refused($"the signature of {name} does not verify");
            }

            verifiedBy.Add(verifier);
        }

        return verifiedBy.Count == 0
            ? NoteOpening.Refused("no known key signed the note")
            : new NoteOpening(text, verifiedBy, Problem: null);
    }
}

/// <summary>What <see cref="SignedNote.Open"/> found: the text and the known keys that signed it, or why the note was refused.</summary>
internal sealed record NoteOpening(string? Text, IReadOnlyList<NoteVerifier> VerifiedBy, string? Problem)
{
    public bool IsVerified => Problem is null;

    public static NoteOpening Refused(string problem) => new(null, [], problem);
}
