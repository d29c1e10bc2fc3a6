namespace AuditGen.Pipeline;

/// <summary>Wakes delivery workers when new entries have been committed to the store.</summary>
internal sealed class AuditAppendSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next append. Take it before reading the store so no append is missed.</summary>
    public Task NextAppend => Volatile.Read(ref _next).Task;

    public void NotifyAppended() =>
        Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
