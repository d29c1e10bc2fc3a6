namespace AuditGen.WorkOsEmulator.Events;

/// <summary>
/// WorkOS's <c>Idempotency-Key</c>: a later request with the same key gets the first request's answer for
/// 24 hours, whatever its body (the reference leaves a changed body unconfirmed; the first answer wins).
/// </summary>
internal sealed class IdempotencyCache(TimeProvider timeProvider)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private readonly Dictionary<string, (CachedAnswer Answer, DateTimeOffset Expires)> _answers = new(StringComparer.Ordinal);
    private long _remembered;

    /// <summary>Callers hold <see cref="Gate"/> around a lookup and the store that follows it.</summary>
    public Lock Gate { get; } = new();

    public CachedAnswer? Find(string key)
    {
        if (_answers.TryGetValue(key, out var cached))
        {
            if (cached.Expires > timeProvider.GetUtcNow())
            {
                return cached.Answer;
            }

            _answers.Remove(key);
        }

        return null;
    }

    public void Remember(string key, CachedAnswer answer)
    {
        var now = timeProvider.GetUtcNow();
        _answers[key] = (answer, now + Lifetime);

        // Expired answers are swept now and then, so a long-running emulator does not keep every key forever.
        if (++_remembered % 4096 == 0)
        {
            foreach (var expired in _answers.Where(pair => pair.Value.Expires <= now).Select(pair => pair.Key).ToArray())
            {
                _answers.Remove(expired);
            }
        }
    }
}

/// <summary>A status code and JSON body, as first sent for a key.</summary>
internal sealed record CachedAnswer(int StatusCode, object Body);
