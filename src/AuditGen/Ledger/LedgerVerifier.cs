using System.Security.Cryptography;
using System.Text;

namespace AuditGen.Ledger;

/// <summary>
/// Checks a ledger from one snapshot, the same for every database: the newest top-level checkpoint (and its signature,
/// when the verifier key is known) against the top-level tree rebuilt from its leaves; then, partition by partition,
/// every record's leaf, position and filter columns, and the rebuilt tree against each size the top-level log committed
/// to. It reports the first problem, naming the organization and the record.
/// </summary>
internal static class LedgerVerifier
{
    public static LedgerVerification Verify(ILedgerSnapshot snapshot, LedgerSettings settings, CancellationToken cancellationToken)
    {
        var topRow = snapshot.ReadTopLog(out var note);
        var committedLogs = new Dictionary<string, long>(StringComparer.Ordinal);
        var top = VerifyTopLevel(snapshot, settings, topRow, note, committedLogs, cancellationToken);
        if (top.Problem is { } topProblem)
        {
            return LedgerVerification.Broken(0, null, null, null, topProblem, top.SignatureChecked);
        }

        if (snapshot.ReadFirstOrphan() is { } orphan)
        {
            return LedgerVerification.Broken(0, orphan.Entry.Partition, orphan.PartitionIndex, orphan.Feed, "the record belongs to no organization's log: it was moved or inserted", top.SignatureChecked);
        }

        long checkedRecords = 0;
        foreach (var row in snapshot.ReadTrees())
        {
            // The top-level log, not the tree rows, says which logs exist and how often they were committed to.
            committedLogs.Remove(PartitionCheckpoint.Origin("", row.Partition), out var checkpoints);
            var problem = VerifyPartition(snapshot, row, checkpoints, ref checkedRecords, out var index, out var feed, cancellationToken);
            if (problem is not null)
            {
                return LedgerVerification.Broken(checkedRecords, row.Partition, index, feed, problem, top.SignatureChecked);
            }
        }

        if (committedLogs.Count > 0)
        {
            var gone = committedLogs.Keys.Order(StringComparer.Ordinal).First();
            return LedgerVerification.Broken(checkedRecords, null, null, null, $"the top-level log committed to the log of an organization that is gone (partition hash {gone[3..]}): its records and tree were removed", top.SignatureChecked);
        }

        return new LedgerVerification(true, checkedRecords, null, null, null, null, top.SignatureChecked);
    }

    /// <summary>Checks the top-level log and counts, in <paramref name="committedLogs"/>, its checkpoints of each partition (by origin suffix).</summary>
    private static (string? Problem, bool SignatureChecked) VerifyTopLevel(ILedgerSnapshot snapshot, LedgerSettings settings, LedgerTreeRow topRow, string? note, Dictionary<string, long> committedLogs, CancellationToken cancellationToken)
    {
        var rebuilt = new LedgerTree(LedgerTree.TopLevelId, "", 0, [], 0, 0);
        var unused = new List<LedgerNodeRow>();
        var witnessed = snapshot.ReadWitnessedCheckpoint() is { } witnessedNote && Checkpoint.TryParse(SignedNote.TextOf(witnessedNote), out var cosigned, out _) ? cosigned : null;
        var rootAtWitnessed = witnessed is { Size: 0 } ? rebuilt.Root() : null;
        foreach (var leaf in snapshot.ReadTopLeaves())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (leaf.Index != rebuilt.Size)
            {
                return ($"top-level leaf {rebuilt.Size} is missing", false);
            }

            if (!Checkpoint.TryParse(leaf.CheckpointText, out var committed, out var problem) || committed!.Size != leaf.Size || !committed.Origin.Contains("/p/", StringComparison.Ordinal))
            {
                return ($"top-level leaf {leaf.Index} is not a partition checkpoint of the size stored beside it: {problem ?? "it was changed"}", false);
            }

            var partition = committed.Origin[committed.Origin.LastIndexOf("/p/", StringComparison.Ordinal)..];
            committedLogs[partition] = committedLogs.GetValueOrDefault(partition) + 1;
            rebuilt.Append(MerkleHash.Leaf(Encoding.UTF8.GetBytes(leaf.CheckpointText)), unused);
            if (rebuilt.Size == witnessed?.Size)
            {
                rootAtWitnessed = rebuilt.Root();
            }
        }

        if (witnessed is not null && rootAtWitnessed is null)
        {
            return ($"the top-level log holds {rebuilt.Size} entries, fewer than the {witnessed.Size} its witnesses cosigned (the witnessed checkpoint kept with the log): entries were cut", false);
        }

        if (witnessed is not null && !CryptographicOperations.FixedTimeEquals(witnessed.RootHash, rootAtWitnessed))
        {
            return ($"the top-level log's first {witnessed.Size} entries differ from those its witnesses cosigned (the witnessed checkpoint kept with the log): the log was rewritten", false);
        }

        if (rebuilt.Size != topRow.Size || !rebuilt.Edge().AsSpan().SequenceEqual(topRow.Edge))
        {
            return ($"the top-level log's leaves rebuild a tree of {rebuilt.Size} that differs from the stored one of {topRow.Size}: top-level leaves were changed", false);
        }

        if (note is null)
        {
            // Every log gets a checkpoint when it is created, so with a key even an emptied log is caught.
            return (rebuilt.Size == 0 && settings.Verifier is null ? null : "the log has no checkpoint: its checkpoints were removed", false);
        }

        var signatureChecked = false;
        var text = note;
        if (note.Contains("\n\n", StringComparison.Ordinal))
        {
            if (settings.Verifier is { } verifier)
            {
                var opening = SignedNote.Open(note, [verifier]);
                if (!opening.IsVerified)
                {
                    return ($"the newest top-level checkpoint's signature does not verify with {verifier.Name}: {opening.Problem}", false);
                }

                signatureChecked = true;
                text = opening.Text!;
            }
            else
            {
                text = SignedNote.TextOf(note);
            }
        }
        else if (settings.Verifier is not null)
        {
            return ("the newest top-level checkpoint is not signed, but a verifier key was given", false);
        }

        if (!Checkpoint.TryParse(text, out var checkpoint, out var parseProblem))
        {
            return ($"the newest top-level checkpoint cannot be read: {parseProblem}", signatureChecked);
        }

        if (checkpoint!.Size != rebuilt.Size || !CryptographicOperations.FixedTimeEquals(checkpoint.RootHash, rebuilt.Root()))
        {
            return ($"the newest top-level checkpoint commits to {checkpoint.Size} leaves with another root than the {rebuilt.Size} stored: the top-level log was rewritten", signatureChecked);
        }

        return (null, signatureChecked);
    }

    private static string? VerifyPartition(ILedgerSnapshot snapshot, LedgerTreeRow row, long checkpoints, ref long checkedRecords, out long? brokenIndex, out long? brokenFeed, CancellationToken cancellationToken)
    {
        brokenIndex = null;
        brokenFeed = null;
        if (snapshot.ReadTopLeaves(row.Id).LongCount() != checkpoints)
        {
            return $"the top-level log holds {checkpoints} checkpoints of this organization's log, but another number is filed under it: top-level leaves were moved";
        }

        var committed = snapshot.ReadTopLeaves(row.Id).GetEnumerator();
        var next = Next(committed);
        LedgerTree tree;
        try
        {
            tree = Restore(snapshot, row);
        }
        catch (InvalidDataException exception)
        {
            brokenIndex = row.PurgedThrough;
            return $"the subtrees kept for the records purged before {row.PurgedThrough} cannot be read: {exception.Message}";
        }

        var unused = new List<LedgerNodeRow>();
        TopLevelLeaf? newest = null;

        // A root that does not match says only that some record since the last matching size differs: the report
        // starts there, at the first record that could be the changed one.
        var sinceMatch = tree.Size;
        long? sinceMatchFeed = null;
        string? Compare(ref TopLevelLeaf? leaf)
        {
            while (leaf is not null && leaf.Size <= tree.Size)
            {
                if (leaf.Size < tree.Size)
                {
                    return $"top-level leaf {leaf.Index} commits to {leaf.Size} records, fewer than an earlier checkpoint of this organization's log: checkpoints were reordered";
                }

                if (CheckpointProblem(row, tree, leaf) is not { } problem)
                {
                    newest = leaf;
                    sinceMatch = leaf.Size;
                    sinceMatchFeed = null;
                    leaf = Next(committed);
                    continue;
                }

                return problem;
            }

            return null;
        }

        // Committed sizes within the purged prefix cannot be recomputed; they were checked before the purge.
        while (next is not null && next.Size < row.PurgedThrough)
        {
            newest = next;
            next = Next(committed);
        }

        if (Compare(ref next) is { } restoredProblem)
        {
            brokenIndex = tree.Size;
            return restoredProblem;
        }

        var previousFeed = long.MinValue;
        foreach (var record in snapshot.ReadRecords(row.Partition, row.PurgedThrough))
        {
            cancellationToken.ThrowIfCancellationRequested();
            brokenIndex = tree.Size;
            brokenFeed = record.Feed;
            if (record.Feed <= previousFeed)
            {
                return "the record's feed position is out of order: records were renumbered, so sinks would skip or repeat them";
            }

            previousFeed = record.Feed;
            if (record.PartitionIndex != tree.Size)
            {
                return record.PartitionIndex > tree.Size
                    ? $"records {tree.Size} to {record.PartitionIndex - 1} of this organization are missing"
                    : $"record {record.PartitionIndex} of this organization is stored twice";
            }

            var entry = record.Entry;
            var leaf = LedgerLeaf.Hash(record.StoredAt, record.PartitionIndex, entry.EventId, entry.Partition, entry.Action, entry.EventJson.Span, entry.Adjustments, entry.Rejection);
            if (!CryptographicOperations.FixedTimeEquals(leaf, record.LeafHash))
            {
                return "the record does not hash to its stored leaf: it was changed or moved";
            }

            if (FilterColumns.FirstMismatch(entry.EventJson.Span, entry.Action, entry.OccurredAt, entry.ActorId, entry.ActorName, record.StoredTargetTypes) is { } column)
            {
                return $"the filter column '{column}' does not match the record's event JSON: it was changed";
            }

            tree.Append(leaf, unused);
            unused.Clear();
            checkedRecords++;
            sinceMatchFeed ??= record.Feed;
            if (Compare(ref next) is { } problem)
            {
                brokenIndex = sinceMatch;
                brokenFeed = sinceMatchFeed;
                return sinceMatch == tree.Size - 1 ? problem : $"{problem} (one of records {sinceMatch} to {tree.Size - 1})";
            }
        }

        // Records cut from the end are gone, feed and all: the first of them came after the last one left.
        brokenIndex = tree.Size;
        brokenFeed = previousFeed == long.MinValue ? null : previousFeed + 1;
        if (tree.Size != row.Size || !tree.Edge().AsSpan().SequenceEqual(row.Edge))
        {
            return tree.Size < row.Size
                ? $"the organization's log holds {row.Size} records but only {tree.Size} remain: records were removed from the end"
                : "the records rebuild another tree than the stored one: records or the tree were changed";
        }

        if (next is not null)
        {
            return $"the top-level log committed to {next.Size} records of this organization, but only {tree.Size} remain: records were removed from the end";
        }

        // AuditGen commits to a purge as it makes it, so a prefix deleted by hand shows as a purge no checkpoint states.
        var statedPurge = newest is not null && Checkpoint.TryParse(newest.CheckpointText, out var last, out _) ? PartitionCheckpoint.PurgedThrough(last!) : 0;
        if (statedPurge != row.PurgedThrough && newest is not null)
        {
            brokenIndex = Math.Min(statedPurge, row.PurgedThrough);
            return $"records before {row.PurgedThrough} are gone, but the top-level log last committed to a purge through {statedPurge}: they were removed outside retention";
        }

        return null;
    }

    private static string? CheckpointProblem(LedgerTreeRow row, LedgerTree tree, TopLevelLeaf leaf)
    {
        if (!Checkpoint.TryParse(leaf.CheckpointText, out var checkpoint, out var problem))
        {
            return $"top-level leaf {leaf.Index} cannot be read: {problem}";
        }

        if (!checkpoint!.Origin.EndsWith(PartitionCheckpoint.Origin("", row.Partition), StringComparison.Ordinal))
        {
            return $"top-level leaf {leaf.Index} names another partition";
        }

        if (!CryptographicOperations.FixedTimeEquals(checkpoint.RootHash, tree.Root()))
        {
            return $"the records do not rebuild the root the top-level log committed to at {leaf.Size} records: a record was changed, moved or replaced";
        }

        return null;
    }

    private static LedgerTree Restore(ILedgerSnapshot snapshot, LedgerTreeRow row)
    {
        if (row.PurgedThrough == 0)
        {
            return new LedgerTree(row.Id, row.Partition, 0, [], 0, row.CheckpointedSize);
        }

        var edge = MerkleTree.PerfectSubtrees(0, row.PurgedThrough)
            .SelectMany(node => LedgerTree.FromStoredNodes(node, (level, first, count) => snapshot.ReadNodes(row.Id, level, first, count)))
            .ToArray();
        return new LedgerTree(row.Id, row.Partition, row.PurgedThrough, edge, row.PurgedThrough, row.CheckpointedSize);
    }

    private static TopLevelLeaf? Next(IEnumerator<TopLevelLeaf> leaves) => leaves.MoveNext() ? leaves.Current : null;
}

/// <summary>What verifying a ledger found.</summary>
internal sealed record LedgerVerification(bool IsIntact, long RecordsChecked, string? Partition, long? PartitionIndex, long? Feed, string? Problem, bool SignatureChecked)
{
    public static LedgerVerification Broken(long checkedRecords, string? partition, long? index, long? feed, string problem, bool signatureChecked) =>
        new(false, checkedRecords, partition, index, feed, problem, signatureChecked);
}
