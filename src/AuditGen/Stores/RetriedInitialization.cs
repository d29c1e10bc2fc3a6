namespace AuditGen.Stores;

/// <summary>
/// A store's set-up (create or migrate the schema), run once on first use. A failed attempt (a missing permission, a
/// server not up yet) is not remembered: the next use tries again.
/// </summary>
internal sealed class RetriedInitialization(Func<Task> initialize)
{
    private readonly Lock _lock = new();
    private Task? _attempt;

    /// <summary>The attempt in progress or last made, without starting one; null when none was.</summary>
    public Task? Current
    {
        get
        {
            lock (_lock)
            {
                return _attempt;
            }
        }
    }

    public Task EnsureAsync()
    {
        lock (_lock)
        {
            if (_attempt is null || _attempt.IsFaulted || _attempt.IsCanceled)
            {
                _attempt = Task.Run(initialize);
            }

            return _attempt;
        }
    }
}
