namespace AuditGen.Ledger;

/// <summary>What verification reads from a database: one consistent snapshot of the ledger's tables.</summary>
internal interface ILedgerSnapshot
{
    /// <summary>Every partition's tree, by id.</summary>
    IEnumerable<LedgerTreeRow> ReadTrees();

    /// <summary>A partition's tree, or null when it has none.</summary>
    LedgerTreeRow? ReadTree(string partition);

    /// <summary>A partition's records from <paramref name="fromIndex"/> on, in index order (as stored, gaps and all).</summary>
    IEnumerable<StoredLedgerRecord> ReadRecords(string partition, long fromIndex);

    /// <summary>The stored leaf hashes of a partition's records in [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>), in index order (for proofs: nothing else of the records is read).</summary>
    IReadOnlyList<byte[]> ReadLeafHashes(string partition, long first, long count);

    /// <summary>The first record (by feed) that claims a place in a partition that has no log: it was moved there.</summary>
    StoredLedgerRecord? ReadFirstOrphan();

    /// <summary>Up to <paramref name="count"/> stored nodes of a tree at <paramref name="level"/> from <paramref name="first"/>, in order.</summary>
    IReadOnlyList<byte[]> ReadNodes(long treeId, int level, long first, long count);

    /// <summary>The top-level log's leaves (partition checkpoints), in index order.</summary>
    IEnumerable<TopLevelLeaf> ReadTopLeaves();

    /// <summary>The texts of the top-level leaves in [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>), in index order.</summary>
    IReadOnlyList<string> ReadTopLeafRange(long first, long count);

    /// <summary>The top-level leaves of one partition's tree, in index order.</summary>
    IEnumerable<TopLevelLeaf> ReadTopLeaves(long treeId);

    /// <summary>The newest top-level leaf of a partition's tree below <paramref name="beforeIndex"/>: its checkpoint in the top-level log of that size.</summary>
    TopLevelLeaf? ReadLatestTopLeaf(long treeId, long beforeIndex);

    /// <summary>The newest top-level checkpoint the witnesses cosigned, with its signatures (null when none was kept).</summary>
    string? ReadWitnessedCheckpoint();

    /// <summary>The top-level tree as stored, and its newest checkpoint note (null when none was made yet).</summary>
    LedgerTreeRow ReadTopLog(out string? latestCheckpointNote);
}

/// <summary>A stored record as verification reads it: its hashed fields, filter columns and stored leaf hash.</summary>
internal sealed record StoredLedgerRecord(long Feed, long PartitionIndex, long StoredAt, LedgerEntry Entry, byte[] LeafHash, IReadOnlyList<string>? StoredTargetTypes);

/// <summary>A top-level leaf: the checkpoint text of one partition at one size.</summary>
internal sealed record TopLevelLeaf(long Index, long TreeId, long Size, string CheckpointText);
