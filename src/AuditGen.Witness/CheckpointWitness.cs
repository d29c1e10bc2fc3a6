using System.Globalization;
using AuditGen.Ledger;

namespace AuditGen.Witness;

/// <summary>
/// The <c>add-checkpoint</c> call of <c>c2sp.org/tlog-witness</c>: checks a log's new checkpoint (its signature with the
/// log's key, its consistency with the newest one this witness cosigned) and cosigns it, or refuses with the status
/// the specification gives for each case. It never cosigns a smaller tree or a different tree of the same size.
/// </summary>
internal sealed class CheckpointWitness(Cosigner cosigner, IReadOnlyList<NoteVerifier> logs, WitnessState state, TimeProvider timeProvider)
{
    /// <summary>The most consistency proof lines a request may carry.</summary>
    public const int MaxProofLines = 63;

    /// <summary>The largest request read: 63 proof lines, a checkpoint with room for extension lines, and many signatures.</summary>
    public const int MaxRequestBytes = 64 * 1024;

    /// <summary>The witness's public key, which its cosignatures verify with.</summary>
    public CosignatureVerifier Verifier => cosigner.Verifier;

    public const string SizeContentType = "text/x.tlog.size";

    public WitnessAnswer AddCheckpoint(string body)
    {
        var split = body.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return WitnessAnswer.BadRequest("the body has no blank line between the old size and proof and the checkpoint");
        }

        var header = body[..split].Split('\n');
        if (!TryReadOldSize(header[0], out var oldSize))
        {
            return WitnessAnswer.BadRequest("the first line must be 'old <size>'");
        }

        if (header.Length - 1 > MaxProofLines)
        {
            return WitnessAnswer.BadRequest($"a consistency proof has at most {MaxProofLines} lines");
        }

        var proof = new List<byte[]>(header.Length - 1);
        foreach (var line in header.Skip(1))
        {
            var hash = new byte[33];
            if (!Convert.TryFromBase64String(line, hash, out var length) || length != 32)
            {
                return WitnessAnswer.BadRequest("each consistency proof line is one base64 SHA-256 hash");
            }

            proof.Add(hash[..32]);
        }

        var note = body[(split + 2)..];
        var origin = note.Split('\n', 2)[0];
        var known = logs.Where(log => log.Name == origin).ToList();
        if (known.Count == 0)
        {
            return new WitnessAnswer(404, "text/plain", $"this witness does not witness the log '{origin}'\n");
        }

        var opening = SignedNote.Open(note, known);
        if (!opening.IsVerified)
        {
            return new WitnessAnswer(403, "text/plain", $"the checkpoint is not signed by the log's key: {opening.Problem}\n");
        }

        if (!Checkpoint.TryParse(opening.Text!, out var checkpoint, out var problem))
        {
            return WitnessAnswer.BadRequest($"the note is not a checkpoint: {problem}");
        }

        if (oldSize > checkpoint!.Size)
        {
            return WitnessAnswer.BadRequest($"the old size {oldSize} is larger than the checkpoint's {checkpoint.Size}");
        }

        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        return state.Advance(origin, (storedSize, storedRoot) =>
        {
            if (oldSize != storedSize)
            {
                return (new WitnessAnswer(409, SizeContentType, string.Create(CultureInfo.InvariantCulture, $"{storedSize}\n")), null);
            }

            var consistent = oldSize == checkpoint.Size
                ? proof.Count == 0 && (storedRoot is null || storedRoot.AsSpan().SequenceEqual(checkpoint.RootHash))
                : oldSize == 0
                    ? proof.Count == 0
                    : MerkleProof.VerifyConsistency(oldSize, checkpoint.Size, storedRoot, checkpoint.RootHash, proof);
            if (!consistent)
            {
                // The same size with another root is a fork: a conflict, as the specification says; a bad proof is 422.
                return oldSize == checkpoint.Size && proof.Count == 0
                    ? (new WitnessAnswer(409, SizeContentType, string.Create(CultureInfo.InvariantCulture, $"{storedSize}\n")), null)
                    : (new WitnessAnswer(422, "text/plain", $"the consistency proof from {oldSize} to {checkpoint.Size} does not verify\n"), null);
            }

            return (new WitnessAnswer(200, "text/plain; charset=utf-8", cosigner.CosignatureLine(opening.Text!, now)), (checkpoint.Size, checkpoint.RootHash));
        }, now);
    }

    private static bool TryReadOldSize(string line, out long size)
    {
        size = 0;
        return line.StartsWith("old ", StringComparison.Ordinal)
            && line.Length > 4
            && (line.Length == 5 || line[4] != '0')
            && line[4..].All(char.IsAsciiDigit)
            && long.TryParse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out size);
    }
}

/// <summary>A witness's answer: the HTTP status, its content type and its body.</summary>
internal sealed record WitnessAnswer(int Status, string ContentType, string Body)
{
    public static WitnessAnswer BadRequest(string problem) => new(400, "text/plain", problem + "\n");
}
