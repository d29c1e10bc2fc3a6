using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AuditGen.Ledger;

namespace AuditGen.Export;

/// <summary>
/// Verifies a proven export offline (<c>docs/proofs.md</c>): the top-level checkpoint's signature with the log's key and
/// the cosignatures of enough witnesses, the organization's checkpoint in it, and each record's leaf in the
/// organization's log, in order; in a complete export, that no record between the purge mark and the checkpoint's size
/// is missing; and, given an older export, that this one extends it.
/// </summary>
internal static class ProvenExportVerifier
{
    /// <summary>The longest line read: a record's event (WorkOS events are far smaller) and its proof.</summary>
    public const int MaxLineBytes = 16 * 1024 * 1024;

    /// <summary>A member given twice would let two readers see two different records: refused.</summary>
    internal static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    private static readonly HashSet<string> s_recordMembers = ["index", "stored_at", "event_id", "action", "event_json", "adjustments", "rejection", "proof"];

    public static async Task<ProvenExportVerification> VerifyAsync(Stream export, ProvenExportKeys keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(export);
        ArgumentNullException.ThrowIfNull(keys);
        try
        {
            return await VerifyLinesAsync(export, keys, cancellationToken);
        }
        catch (Exception exception) when (exception is InvalidDataException or DecoderFallbackException)
        {
            return ProvenExportVerification.Broken(exception.Message, null);
        }
    }

    private static async Task<ProvenExportVerification> VerifyLinesAsync(Stream export, ProvenExportKeys keys, CancellationToken cancellationToken)
    {
        await using var lines = Lines(export, cancellationToken).GetAsyncEnumerator(cancellationToken);
        if (!await lines.MoveNextAsync())
        {
            return ProvenExportVerification.Broken("the file is empty", null);
        }

        ProvenExportHeader? read;
        try
        {
            read = ProvenExportHeader.Read(lines.Current, keys, out var problem);
            if (read is null)
            {
                return ProvenExportVerification.Broken(problem!, null);
            }
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            return ProvenExportVerification.Broken($"the header line is not readable JSON of the format ({exception.Message})", null);
        }

        var checkpoint = read.Checkpoint;
        var expected = read.PurgedThrough;
        long records = 0;
        var line = 1;
        while (await lines.MoveNextAsync())
        {
            line++;
            if (lines.Current.Length == 0)
            {
                continue;
            }

            if (ReadRecord(lines.Current, read.OrganizationId, out var index, out var leafHash, out var proof, out var eventId) is { } unreadable)
            {
                return ProvenExportVerification.Broken($"line {line}: {unreadable}", read);
            }

            if (index < read.PurgedThrough || index >= checkpoint.Size)
            {
                return ProvenExportVerification.Broken($"line {line}: record {index} (event {eventId}) is outside the organization's log as its checkpoint states it (records {read.PurgedThrough} to {checkpoint.Size - 1})", read);
            }

            if (index < expected)
            {
                return ProvenExportVerification.Broken($"line {line}: record {index} (event {eventId}) comes after record {expected - 1}: records were reordered or repeated", read);
            }

            if (read.Complete && index > expected)
            {
                return ProvenExportVerification.Broken($"line {line}: record {expected} is missing before record {index}: records were removed from the export", read);
            }

            if (!MerkleProof.VerifyInclusion(index, checkpoint.Size, leafHash, proof, checkpoint.RootHash))
            {
                return ProvenExportVerification.Broken($"line {line}: record {index} (event {eventId}) is not the record the organization's log holds at {index}: it was edited, or its proof does not belong to it", read);
            }

            expected = index + 1;
            records++;
        }

        if (read.Complete && expected != checkpoint.Size)
        {
            return ProvenExportVerification.Broken($"the export ends at record {expected - 1}, but the organization's checkpoint holds records up to {checkpoint.Size - 1}: records were removed from its end", read);
        }

        return new ProvenExportVerification(read, records, null);
    }

    /// <summary>Whether <paramref name="newer"/> extends <paramref name="older"/>: same organization, and the older log a prefix of the newer one.</summary>
    public static string? ProblemExtending(ProvenExportHeader older, ProvenExportHeader newer)
    {
        if (older.Checkpoint.Origin != newer.Checkpoint.Origin)
        {
            return "the two exports are of different organizations or logs";
        }

        if (newer.Checkpoint.Size < older.Checkpoint.Size)
        {
            return $"the newer export's log holds {newer.Checkpoint.Size} records, fewer than the {older.Checkpoint.Size} of the older one: records were cut";
        }

        if (newer.PurgedThrough < older.PurgedThrough)
        {
            return $"the newer export says {newer.PurgedThrough} records were purged, fewer than the older one's {older.PurgedThrough}";
        }

        if (newer.Checkpoint.Size == older.Checkpoint.Size)
        {
            return newer.Checkpoint.RootHash.AsSpan().SequenceEqual(older.Checkpoint.RootHash) ? null : "the two exports show different logs of the same size: the log was rewritten";
        }

        if (newer.ConsistencyFrom != older.Checkpoint.Size || newer.ConsistencyProof is null)
        {
            return $"the newer export carries no consistency proof from size {older.Checkpoint.Size}: export it with the older one named (auditgen export --proof --extends OLDER)";
        }

        return MerkleProof.VerifyConsistency(older.Checkpoint.Size, newer.Checkpoint.Size, older.Checkpoint.RootHash, newer.Checkpoint.RootHash, newer.ConsistencyProof)
            ? null
            : $"the newer export's log does not extend the older one's {older.Checkpoint.Size} records: a record the older export holds was changed or removed";
    }

    private static string? ReadRecord(string text, string organization, out long index, out byte[] leafHash, out byte[][] proof, out string? eventId)
    {
        index = -1;
        leafHash = [];
        proof = [];
        eventId = null;
        try
        {
            using var document = JsonDocument.Parse(text, StrictJson);
            var record = document.RootElement;
            if (ProvenExportHeader.UnknownMember(record, s_recordMembers) is { } unknown)
            {
                return $"a record has a member '{unknown}' that the format does not have and no proof covers";
            }

            if (record.ValueKind != JsonValueKind.Object
                || !record.TryGetProperty("index", out var indexValue) || !indexValue.TryGetInt64(out index)
                || !record.TryGetProperty("stored_at", out var storedAt) || !storedAt.TryGetInt64(out var storedAtMilliseconds)
                || String(record, "event_id") is not { } id || String(record, "action") is not { } action
                || String(record, "event_json") is not { } eventJson || String(record, "adjustments") is not { } adjustments
                || !record.TryGetProperty("rejection", out var rejection) || rejection.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)
                || !record.TryGetProperty("proof", out var proofValue) || proofValue.ValueKind != JsonValueKind.Array)
            {
                return "a record has index, stored_at, event_id, action, event_json, adjustments, rejection and proof";
            }

            if (rejection.ValueKind == JsonValueKind.String && rejection.GetString()!.Length == 0)
            {
                return "a record's rejection is a reason or null, never empty";
            }

            eventId = id;
            proof = [.. proofValue.EnumerateArray().Select(static hash => hash.GetBytesFromBase64())];
            if (proof.Any(static hash => hash.Length != MerkleHash.Size))
            {
                return $"record {index}'s proof holds a hash that is not 32 bytes";
            }

            leafHash = LedgerLeaf.Hash(storedAtMilliseconds, index, id, organization, action, Encoding.UTF8.GetBytes(eventJson), adjustments, rejection.GetString());
            return null;
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException)
        {
            return $"the record is not readable JSON of the format ({exception.Message})";
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>The file's lines, each read whole but none longer than <see cref="MaxLineBytes"/>.</summary>
    private static async IAsyncEnumerable<string> Lines(Stream export, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var pipe = PipeReader.Create(export, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        try
        {
            while (true)
            {
                var result = await pipe.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    yield return encoding.GetString(buffer.Slice(0, end)).TrimEnd('\r');
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                }

                if (buffer.Length > MaxLineBytes)
                {
                    throw new InvalidDataException($"A line of the export is longer than {MaxLineBytes} bytes: it is not a proven export.");
                }

                if (result.IsCompleted)
                {
                    if (buffer.Length > 0)
                    {
                        yield return encoding.GetString(buffer).TrimEnd('\r');
                    }

                    yield break;
                }

                pipe.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await pipe.CompleteAsync();
        }
    }
}

/// <summary>The keys a proven export is checked with: the log's, and the witnesses' with how many must have cosigned.</summary>
internal sealed record ProvenExportKeys(NoteVerifier Log, IReadOnlyList<CosignatureVerifier> Witnesses, int Quorum);

/// <summary>A proven export's header, checked: its checkpoint is signed, cosigned, and commits to the organization's.</summary>
internal sealed record ProvenExportHeader(
    string OrganizationId,
    Checkpoint Checkpoint,
    long PurgedThrough,
    Checkpoint TopLevel,
    IReadOnlyList<Cosignature> Cosignatures,
    bool Complete,
    long? ConsistencyFrom,
    byte[][]? ConsistencyProof)
{
    private static readonly HashSet<string> s_headerMembers = ["format", "organization_id", "checkpoint", "checkpoint_proof", "complete", "filters", "consistency", "log_key", "witness_keys"];

    public static ProvenExportHeader? Read(string line, ProvenExportKeys keys, out string? problem)
    {
        using var document = JsonDocument.Parse(line, ProvenExportVerifier.StrictJson);
        var header = document.RootElement;
        if (header.ValueKind != JsonValueKind.Object || Text(header, "format") != ProvenExport.Format)
        {
            problem = $"the file is not a proven export (its first line names no format '{ProvenExport.Format}')";
            return null;
        }

        if (UnknownMember(header, s_headerMembers) is { } unknown)
        {
            problem = $"the header has a member '{unknown}' that the format does not have";
            return null;
        }

        if (Text(header, "organization_id") is not { Length: > 0 } organization || Text(header, "checkpoint") is not { } checkpointText
            || Text(header, "checkpoint_proof") is not { } proofText || !header.TryGetProperty("complete", out var complete) || complete.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            problem = "the header has organization_id, checkpoint, checkpoint_proof and complete";
            return null;
        }

        if ((complete.ValueKind == JsonValueKind.False) != header.TryGetProperty("filters", out _))
        {
            problem = "the header names its filters exactly when it is not complete";
            return null;
        }

        if (!TlogProof.TryParse(proofText, out var proof, out problem))
        {
            problem = $"checkpoint_proof: {problem}";
            return null;
        }

        var opened = SignedNote.Open(proof!.CheckpointNote, [keys.Log]);
        if (!opened.IsVerified)
        {
            problem = $"the log's checkpoint does not verify with the log's key {keys.Log.Name}: {opened.Problem}";
            return null;
        }

        var topText = SignedNote.TextOf(proof.CheckpointNote);
        if (!Checkpoint.TryParse(topText, out var top, out problem))
        {
            problem = $"the log's checkpoint: {problem}";
            return null;
        }

        if (top!.Origin != keys.Log.Name)
        {
            problem = $"the log's checkpoint is of log '{top.Origin}', not of '{keys.Log.Name}' whose key was given";
            return null;
        }

        var cosignatures = keys.Witnesses.Select(witness => witness.VerifyNote(proof.CheckpointNote)).OfType<Cosignature>().ToList();
        if (cosignatures.Count < keys.Quorum)
        {
            var missing = keys.Witnesses.Select(static witness => witness.Name).Except(cosignatures.Select(static cosignature => cosignature.Witness));
            problem = $"the log's checkpoint is cosigned by {cosignatures.Count} of the witnesses given, fewer than the {keys.Quorum} required (no valid cosignature of {string.Join(", ", missing)})";
            return null;
        }

        if (!Checkpoint.TryParse(checkpointText, out var checkpoint, out problem))
        {
            problem = $"the organization's checkpoint: {problem}";
            return null;
        }

        if (checkpoint!.Origin != PartitionCheckpoint.Origin(top!.Origin, organization))
        {
            problem = $"the organization's checkpoint is not of organization '{organization}' in log {top.Origin}";
            return null;
        }

        if (proof.Index >= top.Size || !MerkleProof.VerifyInclusion(proof.Index, top.Size, MerkleHash.Leaf(Encoding.UTF8.GetBytes(checkpointText)), proof.Hashes, top.RootHash))
        {
            problem = $"the organization's checkpoint is not the one the log's checkpoint of {top.Size} commits to at {proof.Index}";
            return null;
        }

        long? consistencyFrom = null;
        byte[][]? consistencyProof = null;
        if (header.TryGetProperty("consistency", out var consistency))
        {
            if (!consistency.TryGetProperty("from_size", out var from) || !from.TryGetInt64(out var fromSize)
                || !consistency.TryGetProperty("proof", out var hashes) || hashes.ValueKind != JsonValueKind.Array)
            {
                problem = "the header's consistency has from_size and proof";
                return null;
            }

            consistencyFrom = fromSize;
            consistencyProof = [.. hashes.EnumerateArray().Select(static hash => hash.GetBytesFromBase64())];
            if (consistencyProof.Any(static hash => hash.Length != MerkleHash.Size))
            {
                problem = "the header's consistency proof holds a hash that is not 32 bytes";
                return null;
            }
        }

        problem = null;
        return new ProvenExportHeader(organization, checkpoint, PartitionCheckpoint.PurgedThrough(checkpoint), top, cosignatures, complete.GetBoolean(), consistencyFrom, consistencyProof);
    }

    /// <summary>The name of a member of <paramref name="element"/> that is not one of <paramref name="known"/>, or null.</summary>
    internal static string? UnknownMember(JsonElement element, HashSet<string> known) =>
        element.ValueKind == JsonValueKind.Object ? element.EnumerateObject().Select(static member => member.Name).FirstOrDefault(name => !known.Contains(name)) : null;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>What verifying a proven export found.</summary>
/// <param name="Header">The header, when it verified.</param>
/// <param name="Records">How many records verified.</param>
/// <param name="Problem">The first problem, or null when the export verifies.</param>
internal sealed record ProvenExportVerification(ProvenExportHeader? Header, long Records, string? Problem)
{
    public bool IsValid => Problem is null;

    public static ProvenExportVerification Broken(string problem, ProvenExportHeader? header) => new(header, 0, problem);
}
