namespace AuditGen.Pipeline;

/// <summary>An event a sink refused for good, kept beside the sink's reason.</summary>
/// <param name="SinkName">The sink that refused it.</param>
/// <param name="Sequence">The entry's sequence in the store.</param>
/// <param name="Reason">The sink's reason, e.g. WorkOS's error message.</param>
/// <param name="DeadLetteredAt">When it was refused.</param>
/// <param name="RedriveRequestedAt">When someone asked for it to be delivered again (e.g. <c>auditgen dead-letters redrive</c>), or <see langword="null"/>.</param>
internal sealed record AuditDeadLetter(string SinkName, long Sequence, string Reason, DateTimeOffset DeadLetteredAt, DateTimeOffset? RedriveRequestedAt = null);
