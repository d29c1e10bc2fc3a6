namespace AuditGen.Pipeline;

/// <summary>
/// The right to deliver one sink's entries, held by one application instance at a time so that instances sharing
/// a store do not deliver the same entries twice. Disposing releases it.
/// </summary>
internal interface IAuditDeliveryLease : IAsyncDisposable
{
    /// <summary>Fires when the lease is lost (say, the database connection holding it broke); delivery stops and re-acquires.</summary>
    CancellationToken Lost { get; }
}

/// <summary>The lease of a store that only one process uses (SQLite, in memory): always granted, never lost.</summary>
internal sealed class ProcessLocalDeliveryLease : IAuditDeliveryLease
{
    public static ProcessLocalDeliveryLease Instance { get; } = new();

    public CancellationToken Lost => CancellationToken.None;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
