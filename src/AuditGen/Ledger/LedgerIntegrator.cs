namespace AuditGen.Ledger;

/// <summary>
/// The ledger's integration, the same for every database: takes sequenced batches in commit order, gives each new
/// record its feed position and its index in its partition, grows each partition's tree, stores the completed subtrees,
/// and, when the checkpoint interval has passed, appends every changed partition's checkpoint to the top-level log
/// and signs the top-level checkpoint. One round is one transaction of the dialect (<see cref="ILedgerIntegration"/>).
/// </summary>
internal sealed class LedgerIntegrator(LedgerSettings settings, TimeProvider timeProvider)
{
    /// <summary>Entries one round takes at most: big enough that a busy partition's pages are written once per many records.</summary>
    public const int RoundEntries = 20_000;

    // Trees of partitions seen lately, valid while no other process integrates between this one's rounds.
    private const int MaxCachedTrees = 16_384;
    private readonly Dictionary<string, LedgerTree> _trees = new(StringComparer.Ordinal);
    private long _cachedGeneration = -1;

    private bool _checkpointPending = true;

    /// <summary>Integrates up to <see cref="RoundEntries"/> pending entries, then checkpoints when due.</summary>
    /// <param name="integration">The round's transaction.</param>
    /// <param name="forceCheckpoint">Make a top-level checkpoint now if anything changed, whatever the interval.</param>
    public LedgerRound IntegrateRound(ILedgerIntegration integration, bool forceCheckpoint = false)
    {
        ValidateCache(integration);

        var batches = integration.ReadPendingBatches(RoundEntries);
        var feed = integration.LastFeed;
        var touched = new HashSet<LedgerTree>();
        var nodes = new List<LedgerNodeRow>();
        foreach (var batch in batches)
        {
            foreach (var entry in LedgerBatch.Decode(batch.Entries))
            {
                var tree = Tree(integration, entry.Partition);
                var leafHash = LedgerLeaf.Hash(batch.SequencedAt, tree.Size, entry.EventId, entry.Partition, entry.Action, entry.EventJson.Span, entry.Adjustments, entry.Rejection);

                // An event id already stored (a retried batch, the same event sequenced twice) gets no leaf and no feed position.
                if (!integration.TryInsert(new LedgerRecord(feed + 1, tree.Size, batch.SequencedAt, entry, leafHash)))
                {
                    continue;
                }

                feed++;
                tree.Append(leafHash, nodes);
                touched.Add(tree);
            }
        }

        integration.WriteNodes(nodes);
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var top = integration.ReadTopLog(out var latestNote, out var lastCheckpointAt);
        _checkpointPending |= touched.Count > 0;
        if (forceCheckpoint || now - lastCheckpointAt >= (long)settings.CheckpointInterval.TotalMilliseconds)
        {
            _checkpointPending = !Checkpoint(integration, top, latestNote, lastCheckpointAt, now, touched);
        }

        // Once per tree and round: its new size, and the size the top-level log now commits to.
        integration.WriteTrees(touched);

        var through = batches.Count > 0 ? batches[^1].Id : integration.IntegratedThrough;
        integration.Commit(through);
        _cachedGeneration = integration.Generation + 1;
        return new LedgerRound(batches.Count, through, _checkpointPending);
    }

    /// <summary>
    /// Purges each partition's records before the index given for it, within the round's transaction; the round that
    /// follows (<see cref="IntegrateRound"/> with a forced checkpoint) commits to the purge before anything else sees it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Evidence would be purged away (see <see cref="CheckBeforePurging"/>).</exception>
    public void Purge(ILedgerIntegration integration, IEnumerable<(string Partition, long PurgedThrough)> purges)
    {
        ValidateCache(integration);
        var purged = new List<LedgerTree>();
        foreach (var (partition, through) in purges)
        {
            var tree = Tree(integration, partition);
            if (through <= tree.PurgedThrough || through > tree.Size)
            {
                continue;
            }

            CheckBeforePurging(integration, tree, through);
            integration.PurgeRecords(tree, through);
            tree.PurgedThrough = through;
            tree.CheckpointedSize = -1;
            purged.Add(tree);
        }

        integration.WriteTrees(purged);
    }

    /// <summary>A purge must be committed to by a signed checkpoint when the log's are signed: this instance needs the signing key.</summary>
    /// <exception cref="InvalidOperationException">The log's checkpoints are signed and this instance has no signing key.</exception>
    public void CheckCanCommitPurge(ILedgerIntegration integration)
    {
        integration.ReadTopLog(out var latestNote, out _);
        if (settings.Signer is null && latestNote is not null && SignedNote.IsSigned(latestNote))
        {
            throw new InvalidOperationException("its checkpoints are signed; purging needs the log's signing key, or the purge could not be committed to.");
        }
    }

    /// <summary>
    /// Evidence is never purged away: every record about to go must still match its leaf, and every whole band of them
    /// the stored node above it. Otherwise nothing is purged and the caller is told to verify.
    /// </summary>
    private static void CheckBeforePurging(ILedgerIntegration integration, LedgerTree tree, long through)
    {
        const int BandWidth = 1 << LedgerTree.BandHeight;
        var expected = tree.PurgedThrough;
        var band = new List<byte[]>(BandWidth);
        foreach (var record in integration.ReadRecords(tree.Partition, tree.PurgedThrough, through))
        {
            var entry = record.Entry;
            var leaf = LedgerLeaf.Hash(record.StoredAt, record.PartitionIndex, entry.EventId, entry.Partition, entry.Action, entry.EventJson.Span, entry.Adjustments, entry.Rejection);
            if (record.PartitionIndex != expected || !leaf.AsSpan().SequenceEqual(record.LeafHash))
            {
                throw new InvalidOperationException($"record {expected} of organization '{tree.Partition}' no longer matches the log: it was changed, moved or removed, and nothing was purged. Run `auditgen verify`.");
            }

            if (expected % BandWidth == 0)
            {
                band.Clear();
            }

            band.Add(record.LeafHash);
            expected++;
            if (band.Count == BandWidth
                && integration.ReadNodes(tree.Id, LedgerTree.BandHeight, (expected / BandWidth) - 1, 1) is [var stored]
                && !LedgerTree.FoldPerfect(band).AsSpan().SequenceEqual(stored))
            {
                throw new InvalidOperationException($"records {expected - BandWidth} to {expected - 1} of organization '{tree.Partition}' no longer match the log's stored subtree: leaf hashes were rewritten, and nothing was purged. Run `auditgen verify`.");
            }
        }

        if (expected != through)
        {
            throw new InvalidOperationException($"records {expected} to {through - 1} of organization '{tree.Partition}' are missing, and nothing was purged. Run `auditgen verify`.");
        }
    }

    /// <summary>The top-level checkpoint body: the log's origin, size and root, and the sealed chain when there is one.</summary>
    public static Checkpoint TopLevelCheckpoint(string origin, LedgerTree topLevel, (long Sequence, byte[] Hash)? sealedChain) =>
        new(origin, topLevel.Size, topLevel.Root(), sealedChain is { } chain ? [SealedChainLine(chain.Sequence, chain.Hash)] : []);

    public static string SealedChainLine(long sequence, byte[] hash) =>
        $"sealed-chain {sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Convert.ToBase64String(hash)}";

    /// <summary>
    /// Appends the checkpoint of every tree changed since the last one (those stored so, and those this round grew,
    /// <paramref name="changed"/>) to the top-level log, and signs the new top-level checkpoint. The trees it commits to
    /// join <paramref name="changed"/>, for the round to save.
    /// </summary>
    /// <returns>Whether a checkpoint was made (or nothing needed one).</returns>
    private bool Checkpoint(ILedgerIntegration integration, LedgerTreeRow topRow, string? latestNote, long lastCheckpointAt, long now, HashSet<LedgerTree> changed)
    {
        foreach (var row in integration.ReadUncheckpointedTrees())
        {
            changed.Add(_trees.TryGetValue(row.Partition, out var cached) && cached.Id == row.Id ? cached : row.ToTree());
        }

        if (changed.Count == 0 && lastCheckpointAt > 0)
        {
            return true;
        }

        // An instance without the log key (a CLI command, an instance misconfigured) never follows signed checkpoints
        // with unsigned ones: it integrates, and leaves the checkpoint to an instance that has the key.
        if (settings.Signer is null && latestNote is not null && SignedNote.IsSigned(latestNote))
        {
            return false;
        }

        var top = topRow.ToTree();
        var nodes = new List<LedgerNodeRow>();
        foreach (var tree in changed.Where(static tree => tree.CheckpointedSize != tree.Size).OrderBy(static tree => tree.Id))
        {
            var text = PartitionCheckpoint.Text(settings.Origin, tree);
            integration.AppendTopLeaf(top.Size, tree.Id, tree.Size, text);
            top.Append(MerkleHash.Leaf(System.Text.Encoding.UTF8.GetBytes(text)), nodes);
            tree.CheckpointedSize = tree.Size;
        }

        integration.WriteNodes(nodes);
        var body = TopLevelCheckpoint(settings.Origin, top, integration.SealedChain).ToNoteText();
        integration.WriteTopCheckpoint(top, settings.Signer is { } signer ? SignedNote.Sign(body, signer) : body, now);
        return true;
    }

    /// <summary>
    /// Keeps the cached trees only while they are what the file holds: nobody else committed since this integrator's
    /// last commit, and nothing of this integrator is left uncommitted (a round that failed rolled its writes back, but
    /// not the trees it had grown in memory). Whatever happens next is uncommitted until <see cref="IntegrateRound"/> commits.
    /// </summary>
    private void ValidateCache(ILedgerIntegration integration)
    {
        if (integration.Generation != _cachedGeneration || _trees.Count > MaxCachedTrees)
        {
            _trees.Clear();
        }

        _cachedGeneration = -1;
    }

    private LedgerTree Tree(ILedgerIntegration integration, string partition)
    {
        if (!_trees.TryGetValue(partition, out var tree))
        {
            tree = integration.ReadTree(partition)?.ToTree() ?? new LedgerTree(integration.CreateTree(partition), partition, 0, [], 0, 0);
            _trees[partition] = tree;
        }

        return tree;
    }
}

/// <summary>What an integration round did.</summary>
/// <param name="Batches">How many batches it integrated; 0 when none was waiting.</param>
/// <param name="IntegratedThrough">The last batch integrated.</param>
/// <param name="CheckpointPending">Whether changes wait for the next checkpoint.</param>
internal readonly record struct LedgerRound(int Batches, long IntegratedThrough, bool CheckpointPending);
