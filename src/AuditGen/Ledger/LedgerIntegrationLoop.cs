namespace AuditGen.Ledger;

/// <summary>
/// A store's background integration, the same for every database: it runs after appends, letting batches gather
/// briefly so one round takes many, and once more after the checkpoint interval while changes wait for a checkpoint,
/// so the last changes before a quiet spell are checkpointed too. A failed round is retried on the next signal or
/// after the interval; reads, which integrate too, report the error to their callers.
/// </summary>
/// <param name="integrate">Integrates everything sequenced so far, checkpointing at once when asked; returns whether changes still wait for a checkpoint.</param>
/// <param name="sequencedNotIntegrated">Whether this instance sequenced batches not integrated yet.</param>
/// <param name="checkpointInterval">The longest a change waits for a top-level checkpoint.</param>
internal sealed class LedgerIntegrationLoop(Func<bool, CancellationToken, Task<bool>> integrate, Func<bool> sequencedNotIntegrated, TimeSpan checkpointInterval) : IDisposable
{
    /// <summary>How long integration lets batches gather after the first one; readers integrate at once.</summary>
    private static readonly TimeSpan GatheringDelay = TimeSpan.FromMilliseconds(100);

    private readonly SemaphoreSlim _sequenced = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private int _signaled;
    private volatile bool _checkpointPending;
    private Task? _loop;

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>Wakes the loop: a batch was sequenced. Signals while it is already awake cost nothing.</summary>
    public void Signal()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _sequenced.Release();
        }
    }

    /// <summary>Notes what an integration by anyone in this instance (the loop, a reader) left: changes waiting for a checkpoint or not.</summary>
    public void Integrated(bool checkpointPending) => _checkpointPending = checkpointPending;

    /// <summary>
    /// Stops the loop, then integrates and checkpoints what this instance leaves behind, so a reader that integrates
    /// nothing (a CLI command) sees it and no change waits for a checkpoint no loop is left to make. What still fails
    /// is integrated by the next instance that opens the log for writing.
    /// </summary>
    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
            if (sequencedNotIntegrated() || _checkpointPending)
            {
                integrate(true, CancellationToken.None).Wait(TimeSpan.FromSeconds(30));
            }
        }
        catch (AggregateException)
        {
            // The loop ends only by cancellation, and a round cut short is rolled back: readers have reported its error.
        }

        // The semaphore is left to the collector: an append finishing during shutdown may still signal it.
        _stopping.Dispose();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var checkpointPending = true;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (checkpointPending)
                {
                    await _sequenced.WaitAsync(checkpointInterval, stopping);
                }
                else
                {
                    await _sequenced.WaitAsync(stopping);
                }

                await Task.Delay(GatheringDelay, stopping);
                Volatile.Write(ref _signaled, 0);
                checkpointPending = await integrate(false, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                checkpointPending = true;
            }
        }
    }
}
