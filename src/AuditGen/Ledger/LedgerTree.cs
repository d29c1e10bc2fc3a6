namespace AuditGen.Ledger;

/// <summary>
/// One log's tree as integration grows it: a partition's (an organization's) or the top-level log's. Of the perfect
/// subtrees an append completes, only those at levels 8, 16, 24... are stored (<see cref="IsStoredLevel"/>): with the
/// leaves, they rebuild any other subtree from at most 256 hashes, as the tiles of <c>c2sp.org/tlog-tiles</c> do, at
/// about one stored row per 255 leaves.
/// </summary>
internal sealed class LedgerTree
{
    /// <summary>The height of a band: the levels between two stored levels.</summary>
    public const int BandHeight = 8;

    /// <summary>The top-level log's tree id; partitions' ids start at 1.</summary>
    public const long TopLevelId = 0;

    private readonly MerkleFrontier _frontier;

    public LedgerTree(long id, string partition, long size, ReadOnlySpan<byte> edge, long purgedThrough, long checkpointedSize)
    {
        Id = id;
        Partition = partition;
        _frontier = MerkleFrontier.FromEdge(size, edge);
        PurgedThrough = purgedThrough;
        CheckpointedSize = checkpointedSize;
    }

    /// <summary>The id stores key its nodes by.</summary>
    public long Id { get; }

    /// <summary>The organization id; empty for the system partition.</summary>
    public string Partition { get; }

    public long Size => _frontier.Size;

    /// <summary>Records before this index were removed by retention; the leaf hashes their proofs still need are kept as nodes.</summary>
    public long PurgedThrough { get; set; }

    /// <summary>The size the top-level log last committed to.</summary>
    public long CheckpointedSize { get; set; }

    public static bool IsStoredLevel(int level) => level > 0 && level % BandHeight == 0;

    /// <summary>Appends a leaf, adding the stored-level subtrees it completes to <paramref name="completed"/>.</summary>
    public void Append(byte[] leafHash, List<LedgerNodeRow> completed) =>
        _frontier.Append(leafHash, (node, hash) =>
        {
            if (IsStoredLevel(node.Level))
            {
                completed.Add(new LedgerNodeRow(Id, node.Level, node.Index, hash));
            }
        });

    public byte[] Root() => _frontier.Root();

    public byte[] Edge() => _frontier.Edge();

    /// <summary>
    /// The hash of a perfect subtree from the stored nodes of its band's lowest level (level 0: the leaf hashes kept
    /// when records are purged from part of a band): <paramref name="readLevel"/>(level, first index, count) returns
    /// those nodes in order.
    /// </summary>
    public static byte[] FromStoredNodes(MerkleNode node, Func<int, long, long, IReadOnlyList<byte[]>> readLevel)
    {
        var baseLevel = node.Level - (node.Level % BandHeight);
        var width = 1L << (node.Level - baseLevel);
        var hashes = readLevel(baseLevel, node.Index * width, width);
        if (hashes.Count != width)
        {
            throw new InvalidDataException($"{width - hashes.Count} of the stored nodes under level {node.Level} node {node.Index} are missing.");
        }

        return FoldPerfect(hashes);
    }

    /// <summary>The root of a perfect subtree whose lowest-level hashes are given (a power of two of them).</summary>
    public static byte[] FoldPerfect(IReadOnlyList<byte[]> hashes)
    {
        var level = hashes.ToArray();
        for (var count = level.Length; count > 1; count /= 2)
        {
            for (var i = 0; i < count / 2; i++)
            {
                level[i] = MerkleHash.Node(level[2 * i], level[(2 * i) + 1]);
            }
        }

        return level[0];
    }
}

/// <summary>A stored perfect subtree of one tree.</summary>
internal readonly record struct LedgerNodeRow(long TreeId, int Level, long Index, byte[] Hash);
