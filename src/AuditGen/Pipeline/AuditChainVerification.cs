namespace AuditGen.Pipeline;

/// <summary>What verifying the chain found.</summary>
/// <param name="IsIntact">Whether every record from the last checkpoint on hashes to what is stored.</param>
/// <param name="RecordsChecked">How many records were checked.</param>
/// <param name="FirstBrokenSequence">The first record whose hash does not match, or <see langword="null"/>.</param>
/// <param name="Problem">What is wrong at that record, or at the checkpoint; <see langword="null"/> when intact.</param>
/// <param name="CheckpointSequence">The last purged record the chain starts after (0 when nothing was purged).</param>
public sealed record AuditChainVerification(bool IsIntact, long RecordsChecked, long? FirstBrokenSequence, string? Problem, long CheckpointSequence);

/// <summary>What a retention purge removed.</summary>
/// <param name="PurgedCount">How many records were removed.</param>
/// <param name="ThroughSequence">The last removed record, which the new checkpoint vouches for; 0 when nothing was removed.</param>
public sealed record AuditPurgeResult(long PurgedCount, long ThroughSequence);
