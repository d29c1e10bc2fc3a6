using System.Globalization;
using System.Net;
using System.Text;
using AuditGen.Ledger;

namespace AuditGen.Stores.Witnesses;

/// <summary>
/// Submits the log's newest top-level checkpoint to one witness (<c>c2sp.org/tlog-witness</c> <c>add-checkpoint</c>) with
/// a consistency proof from the size the witness holds, and reads its answer: a cosignature, or proof that the log no
/// longer extends what the witness cosigned (a smaller log: records cut or an older copy put back; another tree: a fork).
/// </summary>
internal static class WitnessClient
{
    /// <summary>The largest answer read from a witness: a few signature lines, or a size.</summary>
    public const int MaxAnswerBytes = 64 * 1024;

    /// <summary>How far a cosignature's time may be from this machine's clock: an older one may be a replayed answer.</summary>
    public static readonly TimeSpan CosignatureClockSkew = TimeSpan.FromMinutes(10);

    /// <param name="client">Sends the request; its base address is the witness's submission prefix.</param>
    /// <param name="witness">The witness's key, which its cosignature must verify with.</param>
    /// <param name="checkpointNote">The log's newest signed top-level checkpoint.</param>
    /// <param name="consistencyProof">Reads the top-level consistency proof from a size to another.</param>
    /// <param name="knownSize">The size the witness was last seen to hold (0 when unknown: its answer says).</param>
    /// <param name="timeProvider">The clock a cosignature's time is checked against.</param>
    /// <param name="cancellationToken">Stops the exchange.</param>
    public static async Task<WitnessOutcome> SubmitAsync(HttpClient client, CosignatureVerifier witness, string checkpointNote, Func<long, long, Task<byte[][]>> consistencyProof, long knownSize, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var text = SignedNote.TextOf(checkpointNote);
        if (!Checkpoint.TryParse(text, out var checkpoint, out var problem))
        {
            throw new InvalidOperationException($"The log's checkpoint cannot be read: {problem}");
        }

        var oldSize = Math.Min(knownSize, checkpoint!.Size);
        string? lostState = null;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var proof = oldSize == 0 || oldSize == checkpoint.Size ? [] : await consistencyProof(oldSize, checkpoint.Size);
            var body = new StringBuilder().Append(CultureInfo.InvariantCulture, $"old {oldSize}\n");
            foreach (var hash in proof)
            {
                body.Append(Convert.ToBase64String(hash)).Append('\n');
            }

            body.Append('\n').Append(checkpointNote);
            using var request = new HttpRequestMessage(HttpMethod.Post, "add-checkpoint") { Content = new StringContent(body.ToString(), Encoding.UTF8, "text/plain") };
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var answer = await ReadAnswerAsync(response, cancellationToken);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var now = timeProvider.GetUtcNow();
                    return witness.Verify(text, answer.Split('\n', StringSplitOptions.RemoveEmptyEntries)) switch
                    {
                        null => WitnessOutcome.Refused(witness.Name, "its answer carries no cosignature that verifies with its key"),
                        var cosignature when Math.Abs(cosignature.Timestamp - now.ToUnixTimeSeconds()) > CosignatureClockSkew.TotalSeconds =>
                            WitnessOutcome.Refused(witness.Name, $"its cosignature is dated {DateTimeOffset.FromUnixTimeSeconds(cosignature.Timestamp):O}, too far from now: an old answer replayed, or a clock that is wrong"),
                        var cosignature => WitnessOutcome.Cosigned(checkpoint.Size, cosignature, lostState),
                    };
                case HttpStatusCode.Conflict when long.TryParse(answer.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var witnessSize):
                    if (witnessSize > checkpoint.Size)
                    {
                        return WitnessOutcome.Ahead(witness.Name, checkpoint.Size, witnessSize);
                    }

                    if (witnessSize == oldSize && oldSize == checkpoint.Size)
                    {
                        // The size the witness holds, and still a conflict: it holds another tree of that size.
                        return WitnessOutcome.Forked(witness.Name, checkpoint.Size, witnessSize);
                    }

                    if (witnessSize < knownSize)
                    {
                        // It cosigned more before: it forgot. It is brought up to date, but until then it could not have caught a rollback.
                        lostState = $"witness {witness.Name} holds a log of {witnessSize} checkpoints, fewer than the {knownSize} it cosigned before: its state was deleted or restored from an older backup, so it could not have caught a rollback since";
                    }

                    oldSize = witnessSize;
                    break;
                case HttpStatusCode.UnprocessableEntity:
                    return WitnessOutcome.Forked(witness.Name, checkpoint.Size, oldSize);
                case HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError:
                    return WitnessOutcome.Unreachable(witness.Name, $"it answered {(int)response.StatusCode} {response.ReasonPhrase}: {answer.Trim()}");
                default:
                    return WitnessOutcome.Refused(witness.Name, $"{(int)response.StatusCode} {response.ReasonPhrase}: {answer.Trim()}");
            }
        }

        return WitnessOutcome.Unreachable(witness.Name, "its size kept changing while the log submitted");
    }

    private static async Task<string> ReadAnswerAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxAnswerBytes];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}

/// <summary>What a witness said of the log's newest checkpoint.</summary>
/// <param name="Witness">The witness's key name.</param>
/// <param name="Kind">Cosigned, or how the log fails to extend what the witness cosigned, or why it refused.</param>
/// <param name="LogSize">The log's top-level size submitted.</param>
/// <param name="WitnessSize">The size the witness holds now.</param>
/// <param name="Cosignature">Its cosignature, when it cosigned.</param>
/// <param name="Problem">What is wrong, in words, when it did not cosign.</param>
internal sealed record WitnessOutcome(string Witness, WitnessOutcomeKind Kind, long LogSize, long WitnessSize, Cosignature? Cosignature, string? Problem)
{
    /// <param name="size">The size cosigned.</param>
    /// <param name="cosignature">The witness's cosignature.</param>
    /// <param name="lostState">Set when the witness was found to hold less than it cosigned before.</param>
    public static WitnessOutcome Cosigned(long size, Cosignature cosignature, string? lostState = null) =>
        new(cosignature.Witness, lostState is null ? WitnessOutcomeKind.Cosigned : WitnessOutcomeKind.CosignedAfterLosingState, size, size, cosignature, lostState);

    public bool IsCosigned => Kind is WitnessOutcomeKind.Cosigned or WitnessOutcomeKind.CosignedAfterLosingState;

    public static WitnessOutcome Ahead(string witness, long logSize, long witnessSize) =>
        new(witness, WitnessOutcomeKind.LogBehindWitness, logSize, witnessSize, null,
            $"witness {witness} cosigned a top-level log of {witnessSize} checkpoints, but the log holds {logSize}: checkpoints (and the records under them) were cut, or an older copy of the log was put back");

    public static WitnessOutcome Forked(string witness, long logSize, long witnessSize) =>
        new(witness, WitnessOutcomeKind.Forked, logSize, witnessSize, null,
            $"witness {witness} cosigned another top-level log (of {witnessSize} checkpoints) than the one this log extends to {logSize}: the log was forked or rewritten");

    public static WitnessOutcome Refused(string witness, string problem) => new(witness, WitnessOutcomeKind.Refused, 0, 0, null, $"witness {witness} refused to cosign: {problem}");

    public static WitnessOutcome Unreachable(string witness, string problem) => new(witness, WitnessOutcomeKind.Unreachable, 0, 0, null, $"witness {witness} did not cosign, and is asked again at the next interval: {problem}");
}

internal enum WitnessOutcomeKind
{
    Cosigned,

    /// <summary>Cosigned, but the witness held less than it had cosigned before (<see cref="WitnessOutcome.Problem"/> says how much).</summary>
    CosignedAfterLosingState,
    LogBehindWitness,
    Forked,

    /// <summary>It answered, and would not cosign: a log it does not know, a checkpoint or proof it found wrong, or a bad cosignature.</summary>
    Refused,

    /// <summary>It could not be reached, timed out, or was unavailable (408, 429, 5xx): checkpoints wait for it.</summary>
    Unreachable,
}
