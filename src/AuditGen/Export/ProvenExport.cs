using System.Text.Json;
using AuditGen.Ledger;
using AuditGen.Pipeline;

namespace AuditGen.Export;

/// <summary>
/// An organization's records with the proof that each is in its log, as its log's newest witnessed checkpoint commits to
/// it (<c>docs/proofs.md</c>): JSON Lines, a header line, then one line per record, in the log's order. Whoever holds
/// it verifies it offline with the log's and the witnesses' public keys (<see cref="ProvenExportVerifier"/>).
/// </summary>
internal static class ProvenExport
{
    public const string Format = "auditgen/proven-export/v1";

    /// <summary>
    /// Writes the records of <paramref name="query"/>'s organization that match its WorkOS filters, up to the organization's
    /// checkpoint in the newest witnessed checkpoint (the newest signed one when no witness cosigned one yet).
    /// </summary>
    /// <param name="log">The log.</param>
    /// <param name="query">The organization and WorkOS's export filters; paging and order are not supported.</param>
    /// <param name="extendsSize">The size of the organization's log in an older export: the header then proves this one extends it.</param>
    /// <param name="output">Where to write.</param>
    /// <param name="publishedKeys">The log's and the witnesses' verifier keys, named in the header for the reader's convenience (a reader checks with keys it got from the application, never from the file); null when not known.</param>
    /// <param name="cancellationToken">Stops the export.</param>
    public static Task<ProvenExportSummary> WriteAsync(ILedgerReader log, AuditQuery query, long? extendsSize, Stream output, PublishedKeys? publishedKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(query);
        if (string.IsNullOrEmpty(query.OrganizationId))
        {
            throw new ArgumentException("A proven export is of one organization: name it.", nameof(query));
        }

        if (query.EventId is not null || query.AfterSequence is not null || query.Limit is not null || query.NewestFirst)
        {
            throw new ArgumentException("A proven export has every record its filters select, in the log's order: no paging, limit or event id.", nameof(query));
        }

        return log.ReadLedgerAsync(snapshot => WriteAsync(snapshot, query, query.OrganizationId, extendsSize, output, publishedKeys, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// How far an organization's records are proven now: its log's size in the checkpoint an export would carry, and the
    /// cosignatures on it that verify with <paramref name="witnesses"/>. Null when no signed checkpoint commits to it yet.
    /// </summary>
    public static Task<ProvenCoverage?> ReadCoverageAsync(ILedgerReader log, string organization, IReadOnlyList<CosignatureVerifier> witnesses, CancellationToken cancellationToken) =>
        log.ReadLedgerAsync(
            snapshot => Task.FromResult(OrganizationCheckpoint.Find(snapshot, organization, out _) is { } found
                ? new ProvenCoverage(found.Checkpoint.Size, found.PurgedThrough, found.Witnessed, [.. witnesses.Select(found.CosignatureBy).OfType<Cosignature>()])
                : null),
            cancellationToken);

    private static async Task<ProvenExportSummary> WriteAsync(ILedgerSnapshot snapshot, AuditQuery query, string organization, long? extendsSize, Stream output, PublishedKeys? publishedKeys, CancellationToken cancellationToken)
    {
        var found = OrganizationCheckpoint.Find(snapshot, organization, out var problem) ?? throw new AuditStoreException(problem!);
        try
        {
            return await WriteAsync(snapshot, query, organization, extendsSize, output, publishedKeys, found, cancellationToken);
        }
        catch (InvalidDataException exception)
        {
            throw new AuditStoreException($"The log of organization '{organization}' cannot be proven: {exception.Message} Run `auditgen verify`.", exception);
        }
    }

    private static async Task<ProvenExportSummary> WriteAsync(ILedgerSnapshot snapshot, AuditQuery query, string organization, long? extendsSize, Stream output, PublishedKeys? publishedKeys, OrganizationCheckpoint found, CancellationToken cancellationToken)
    {
        var (note, top, leaf, checkpoint, purged) = (found.Note, found.TopLevel, found.Leaf, found.Checkpoint, found.PurgedThrough);
        if (extendsSize is { } older && (older < 0 || older > checkpoint.Size))
        {
            throw new AuditStoreException($"The older export holds {older} records of organization '{organization}', but its log's newest checkpoint holds {checkpoint.Size}: that export is not of this log, or the log was cut.");
        }

        var prover = new PartitionProver(snapshot, found.Tree);
        var checkpointProof = LedgerProofs.TopLevelInclusion(snapshot, leaf.Index, top.Size);
        var consistency = ConsistencyProof(prover, organization, extendsSize, checkpoint, found.Tree);
        if (!MerkleProof.VerifyInclusion(leaf.Index, top.Size, MerkleHash.Leaf(System.Text.Encoding.UTF8.GetBytes(leaf.CheckpointText)), checkpointProof, top.RootHash))
        {
            throw new AuditStoreException($"The checkpoint of organization '{organization}' is not the one the log's checkpoint commits to: the log was changed. Run `auditgen verify`.");
        }

        await using var lines = new JsonLinesWriter(output);
        WriteHeader(lines.Json, organization, query, leaf.CheckpointText, new TlogProof(leaf.Index, checkpointProof, note), extendsSize, consistency, publishedKeys);
        await lines.EndLineAsync(cancellationToken);

        long count = 0;
        var expected = purged;
        var complete = IsComplete(query);
        foreach (var record in snapshot.ReadRecords(organization, purged))
        {
            if (record.PartitionIndex >= checkpoint.Size)
            {
                break;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (record.PartitionIndex != expected++)
            {
                throw new AuditStoreException($"Record {expected - 1} of organization '{organization}' is missing from its log: the log was changed. Run `auditgen verify`.");
            }

            if (!Matches(query, record.Entry))
            {
                continue;
            }

            var leafHash = LedgerLeaf.Hash(record.StoredAt, record.PartitionIndex, record.Entry.EventId, organization, record.Entry.Action, record.Entry.EventJson.Span, record.Entry.Adjustments, record.Entry.Rejection);
            var proof = prover.Inclusion(record.PartitionIndex, checkpoint.Size);
            if (!MerkleProof.VerifyInclusion(record.PartitionIndex, checkpoint.Size, leafHash, proof, checkpoint.RootHash))
            {
                throw new AuditStoreException($"Record {record.PartitionIndex} of organization '{organization}' (event {record.Entry.EventId}) is not the one its log's checkpoint commits to: the log was changed. Run `auditgen verify`.");
            }

            WriteRecord(lines.Json, record, proof);
            await lines.EndLineAsync(cancellationToken);
            count++;
        }

        if (complete && expected != checkpoint.Size)
        {
            throw new AuditStoreException($"Records {expected} to {checkpoint.Size - 1} of organization '{organization}' are missing from its log: the log was changed. Run `auditgen verify`.");
        }

        await lines.CompleteAsync(cancellationToken);
        return new ProvenExportSummary(organization, count, checkpoint.Size, purged, top.Size, found.Witnessed);
    }

    /// <summary>The proof that the organization's log extends its size in an older export, checked before anything is written.</summary>
    private static byte[][]? ConsistencyProof(PartitionProver prover, string organization, long? extendsSize, Checkpoint checkpoint, LedgerTreeRow tree)
    {
        if (extendsSize is not { } older)
        {
            return null;
        }

        if (older == 0 || older == checkpoint.Size)
        {
            return [];
        }

        try
        {
            return prover.Consistency(older, checkpoint.Size);
        }
        catch (InvalidDataException)
        {
            // Retention removed the leaf hashes a proof from inside a purged band needs.
            throw new AuditStoreException($"Organization '{organization}' no longer has what a proof from {older} records needs: retention purged its oldest {tree.PurgedThrough} records since. Verify the newer export on its own.");
        }
    }

    private static void WriteHeader(Utf8JsonWriter json, string organization, AuditQuery query, string checkpointText, TlogProof checkpointProof, long? extendsSize, byte[][]? consistency, PublishedKeys? publishedKeys)
    {
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteString("organization_id", organization);
        json.WriteString("checkpoint", checkpointText);
        json.WriteString("checkpoint_proof", checkpointProof.ToText());
        var complete = IsComplete(query);
        json.WriteBoolean("complete", complete);
        if (!complete)
        {
            json.WriteStartObject("filters");
            if (query.RangeStart is { } start)
            {
                json.WriteString("range_start", start.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (query.RangeEnd is { } end)
            {
                json.WriteString("range_end", end.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }

            WriteList(json, "actions", query.Actions);
            WriteList(json, "actor_names", query.ActorNames);
            WriteList(json, "actor_ids", query.ActorIds);
            WriteList(json, "targets", query.TargetTypes);
            json.WriteEndObject();
        }

        if (extendsSize is { } older)
        {
            json.WriteStartObject("consistency");
            json.WriteNumber("from_size", older);
            WriteHashes(json, "proof", consistency!);
            json.WriteEndObject();
        }

        if (publishedKeys is not null)
        {
            json.WriteString("log_key", publishedKeys.LogKey);
            WriteList(json, "witness_keys", publishedKeys.WitnessKeys);
        }

        json.WriteEndObject();
    }

    private static void WriteRecord(Utf8JsonWriter json, StoredLedgerRecord record, byte[][] proof)
    {
        json.WriteStartObject();
        json.WriteNumber("index", record.PartitionIndex);
        json.WriteNumber("stored_at", record.StoredAt);
        json.WriteString("event_id", record.Entry.EventId);
        json.WriteString("action", record.Entry.Action);
        json.WriteString("event_json", record.Entry.EventJson.Span);
        json.WriteString("adjustments", record.Entry.Adjustments);
        json.WriteString("rejection", record.Entry.Rejection);
        WriteHashes(json, "proof", proof);
        json.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            json.WriteStartArray(name);
            foreach (var value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }
    }

    private static void WriteHashes(Utf8JsonWriter json, string name, byte[][] hashes)
    {
        json.WriteStartArray(name);
        foreach (var hash in hashes)
        {
            json.WriteBase64StringValue(hash);
        }

        json.WriteEndArray();
    }

    private static bool IsComplete(AuditQuery query) =>
        query is { RangeStart: null, RangeEnd: null, Actions.Count: 0, ActorNames.Count: 0, ActorIds.Count: 0, TargetTypes.Count: 0 };

    private static bool Matches(AuditQuery query, LedgerEntry entry) =>
        (query.RangeStart is not { } start || entry.OccurredAt >= start.ToUnixTimeMilliseconds())
        && (query.RangeEnd is not { } end || entry.OccurredAt < end.ToUnixTimeMilliseconds())
        && (query.Actions.Count == 0 || query.Actions.Contains(entry.Action, StringComparer.Ordinal))
        && (query.ActorNames.Count == 0 || (entry.ActorName is { } name && query.ActorNames.Contains(name, StringComparer.Ordinal)))
        && (query.ActorIds.Count == 0 || query.ActorIds.Contains(entry.ActorId, StringComparer.Ordinal))
        && (query.TargetTypes.Count == 0 || query.TargetTypes.Any(type => entry.TargetTypes.Contains(type, StringComparer.Ordinal)));
}

/// <summary>
/// The checkpoint an organization's records are proven with: its checkpoint in the newest top-level checkpoint the
/// witnesses cosigned (in the newest signed one while none is kept).
/// </summary>
internal sealed record OrganizationCheckpoint(string Note, Checkpoint TopLevel, bool Witnessed, LedgerTreeRow Tree, TopLevelLeaf Leaf, Checkpoint Checkpoint)
{
    public long PurgedThrough => PartitionCheckpoint.PurgedThrough(Checkpoint);

    /// <summary>The cosignature of <paramref name="witness"/> on the top-level checkpoint, when it verifies.</summary>
    public Cosignature? CosignatureBy(CosignatureVerifier witness) =>
        witness.VerifyNote(Note);

    public static OrganizationCheckpoint? Find(ILedgerSnapshot snapshot, string organization, out string? problem)
    {
        var witnessed = snapshot.ReadWitnessedCheckpoint();
        snapshot.ReadTopLog(out var newest);
        var note = witnessed ?? newest;
        var next = witnessed is null ? "checkpoint" : "witnessed checkpoint";
        if (note is null || !SignedNote.IsSigned(note) || !Checkpoint.TryParse(SignedNote.TextOf(note), out var top, out _))
        {
            problem = "The log's checkpoints are not signed (AuditGen:Ledger:SigningKey is not set), so its records cannot be proven to anyone.";
            return null;
        }

        if (snapshot.ReadTree(organization) is not { } tree)
        {
            problem = $"Organization '{organization}' has no records in the ledger.";
            return null;
        }

        if (snapshot.ReadLatestTopLeaf(tree.Id, top!.Size) is not { } leaf)
        {
            problem = $"No checkpoint of the log commits to organization '{organization}' yet: export again after the next {next}.";
            return null;
        }

        if (!Checkpoint.TryParse(leaf.CheckpointText, out var checkpoint, out var unreadable))
        {
            problem = $"The checkpoint of organization '{organization}' in the log cannot be read ({unreadable}): run `auditgen verify`.";
            return null;
        }

        if (tree.PurgedThrough > PartitionCheckpoint.PurgedThrough(checkpoint!))
        {
            problem = $"Retention purged records of organization '{organization}' after the checkpoint they would be proven with: export again after the next {next}.";
            return null;
        }

        problem = null;
        return new OrganizationCheckpoint(note, top, witnessed is not null, tree, leaf, checkpoint!);
    }
}

/// <summary>How far an organization's records are proven: its log's size in the checkpoint exports carry, and who cosigned that checkpoint.</summary>
/// <param name="Records">The size of the organization's log in that checkpoint: records 0 to <c>Records - 1</c> are proven.</param>
/// <param name="PurgedThrough">How many of those retention removed (the oldest).</param>
/// <param name="Witnessed">Whether the checkpoint is one the witnesses cosigned (otherwise only the log signed it).</param>
/// <param name="Cosignatures">The cosignatures on it that verify with the configured witnesses' keys.</param>
internal sealed record ProvenCoverage(long Records, long PurgedThrough, bool Witnessed, IReadOnlyList<Cosignature> Cosignatures);

/// <summary>The verifier keys an application publishes: its log's, and its witnesses'.</summary>
internal sealed record PublishedKeys(string LogKey, IReadOnlyList<string> WitnessKeys);

/// <summary>What a proven export holds.</summary>
/// <param name="OrganizationId">The organization.</param>
/// <param name="Records">How many records it carries.</param>
/// <param name="LogSize">The size of the organization's log its checkpoint commits to: its records are proven up to there.</param>
/// <param name="PurgedThrough">How many of the organization's oldest records retention removed, as that checkpoint states.</param>
/// <param name="TopLevelSize">The size of the log's top-level checkpoint.</param>
/// <param name="Witnessed">Whether that checkpoint is one the witnesses cosigned (otherwise only the log signed it).</param>
internal sealed record ProvenExportSummary(string OrganizationId, long Records, long LogSize, long PurgedThrough, long TopLevelSize, bool Witnessed);
