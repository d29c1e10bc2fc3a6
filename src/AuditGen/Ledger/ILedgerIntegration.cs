namespace AuditGen.Ledger;

/// <summary>
/// What a database does for one integration round, in one transaction: the persistence primitives the ledger engine
/// (<see cref="LedgerIntegrator"/>) needs, and nothing of its rules. Disposing it without <see cref="Commit"/> rolls
/// the round back.
/// </summary>
internal interface ILedgerIntegration : IDisposable
{
    /// <summary>The last batch integrated so far.</summary>
    long IntegratedThrough { get; }

    /// <summary>
    /// How many integration transactions the log has committed (rounds and purges, by any process): a round that finds
    /// it changed since its own last commit knows someone else changed the trees.
    /// </summary>
    long Generation { get; }

    /// <summary>The last record's feed position (the global order sinks read); 0 when there is none.</summary>
    long LastFeed { get; }

    /// <summary>The chain a previous version wrote, sealed under the ledger, or <see langword="null"/>.</summary>
    (long Sequence, byte[] Hash)? SealedChain { get; }

    /// <summary>Sequenced batches after <see cref="IntegratedThrough"/>, oldest first: at least one when any is waiting, and no more once <paramref name="maxEntries"/> is reached.</summary>
    IReadOnlyList<SequencedBatch> ReadPendingBatches(int maxEntries);

    /// <summary>A partition's tree, or <see langword="null"/> when the partition has no record yet.</summary>
    LedgerTreeRow? ReadTree(string partition);

    /// <summary>Starts an empty tree for a new partition and returns its id.</summary>
    long CreateTree(string partition);

    /// <summary>Stores a record; <see langword="false"/> when its event id is already stored (nothing is written).</summary>
    bool TryInsert(in LedgerRecord record);

    /// <summary>Saves trees' sizes, edges, purge marks and checkpointed sizes.</summary>
    void WriteTrees(IEnumerable<LedgerTree> trees);

    void WriteNodes(IReadOnlyList<LedgerNodeRow> nodes);

    /// <summary>The trees whose size or purge mark changed since the top-level log last committed to them.</summary>
    IReadOnlyList<LedgerTreeRow> ReadUncheckpointedTrees();

    /// <summary>The top-level log's tree (id <see cref="LedgerTree.TopLevelId"/>) and its newest checkpoint note (null when none was made).</summary>
    LedgerTreeRow ReadTopLog(out string? latestNote, out long latestAt);

    /// <summary>Appends a top-level leaf: a partition checkpoint's note text.</summary>
    void AppendTopLeaf(long index, long treeId, long size, string checkpointText);

    /// <summary>Saves the top-level tree and its new checkpoint (a signed note, or the bare checkpoint when unsigned).</summary>
    void WriteTopCheckpoint(LedgerTree topLevel, string checkpointNote, long createdAt);

    /// <summary>A partition's records in [<paramref name="fromIndex"/>, <paramref name="toIndex"/>), in index order, as stored.</summary>
    IEnumerable<StoredLedgerRecord> ReadRecords(string partition, long fromIndex, long toIndex);

    /// <summary>Up to <paramref name="count"/> stored nodes of a tree at <paramref name="level"/> from <paramref name="first"/>, in order.</summary>
    IReadOnlyList<byte[]> ReadNodes(long treeId, int level, long first, long count);

    /// <summary>
    /// Removes a partition's records before <paramref name="purgedThrough"/>, keeping as level-0 nodes the leaf hashes
    /// from the start of that band on, which later proofs and verification still need.
    /// </summary>
    void PurgeRecords(LedgerTree tree, long purgedThrough);

    /// <summary>
    /// Marks batches through <paramref name="integratedThrough"/> integrated (no longer needed: the dialect may delete
    /// them), counts one more <see cref="Generation"/>, and commits.
    /// </summary>
    void Commit(long integratedThrough);
}

/// <summary>A batch as sequencing committed it.</summary>
/// <param name="Id">Its position in commit order.</param>
/// <param name="SequencedAt">When it was committed, in Unix milliseconds: the stored-at time of its records.</param>
/// <param name="Entries">The entries, encoded by <see cref="LedgerBatch"/>.</param>
internal sealed record SequencedBatch(long Id, long SequencedAt, ReadOnlyMemory<byte> Entries);

/// <summary>A record as integration stores it.</summary>
internal readonly record struct LedgerRecord(long Feed, long PartitionIndex, long StoredAt, LedgerEntry Entry, byte[] LeafHash);

/// <summary>A tree as stored.</summary>
internal sealed record LedgerTreeRow(long Id, string Partition, long Size, byte[] Edge, long PurgedThrough, long CheckpointedSize)
{
    public LedgerTree ToTree() => new(Id, Partition, Size, Edge, PurgedThrough, CheckpointedSize);
}
