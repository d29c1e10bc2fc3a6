using AuditGen.Pipeline;

namespace AuditGen.Stores.InMemory;

/// <summary>
/// A store that keeps everything in process memory: for tests and for trying AuditGen out.
/// Nothing survives a restart, so it is not durable; use a durable store in production.
/// </summary>
internal sealed class InMemoryAuditStore : IAuditStore
{
    private readonly Lock _lock = new();
    private readonly List<StoredAuditEntry> _entries = [];
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private readonly List<AuditDeadLetter> _deadLetters = [];

    /// <summary>Every stored entry, in order.</summary>
    public IReadOnlyList<StoredAuditEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    /// <inheritdoc />
    public ValueTask AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_lock)
        {
            foreach (var entry in entries)
            {
                var auditEvent = entry.Event;
                _entries.Add(new StoredAuditEntry(
                    _entries.Count + 1,
                    auditEvent.Id,
                    auditEvent.OrganizationId,
                    auditEvent.Action,
                    auditEvent.OccurredAt,
                    entry.EventJson,
                    entry.Adjustments,
                    entry.Rejection));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredAuditEntry>> ReadAfterAsync(long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var start = (int)Math.Clamp(afterSequence, 0, _entries.Count);
            var count = Math.Min(maxCount, _entries.Count - start);
            return ValueTask.FromResult<IReadOnlyList<StoredAuditEntry>>(_entries.GetRange(start, count));
        }
    }

    /// <inheritdoc />
    public ValueTask<long> GetSinkCursorAsync(string sinkName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_cursors.GetValueOrDefault(sinkName));
        }
    }

    /// <inheritdoc />
    public ValueTask SetSinkCursorAsync(string sinkName, long sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _cursors[sinkName] = sequence;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask AddDeadLetterAsync(AuditDeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        lock (_lock)
        {
            _deadLetters.RemoveAll(d => d.SinkName == deadLetter.SinkName && d.Sequence == deadLetter.Sequence);
            _deadLetters.Add(deadLetter with { RedriveRequestedAt = null });
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<AuditDeadLetter>> GetDeadLettersAsync(string sinkName, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<AuditDeadLetter>>(_deadLetters.Where(d => d.SinkName == sinkName).OrderBy(d => d.Sequence).ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredAuditEntry>> ReadRedrivesAsync(string sinkName, int maxCount, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredAuditEntry>>(_deadLetters
                .Where(d => d.SinkName == sinkName && d.RedriveRequestedAt is not null)
                .OrderBy(d => d.Sequence)
                .Take(maxCount)
                .Select(d => _entries[(int)d.Sequence - 1].ForRedrive(d.RedriveRequestedAt!.Value))
                .ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask RemoveDeadLetterAsync(string sinkName, long sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _deadLetters.RemoveAll(d => d.SinkName == sinkName && d.Sequence == sequence);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<int> RequestRedriveAsync(string sinkName, long? sequence, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var requested = 0;
            for (var i = 0; i < _deadLetters.Count; i++)
            {
                if (_deadLetters[i].SinkName == sinkName && (sequence is null || _deadLetters[i].Sequence == sequence))
                {
                    _deadLetters[i] = _deadLetters[i] with { RedriveRequestedAt = DateTimeOffset.UtcNow };
                    requested++;
                }
            }

            return ValueTask.FromResult(requested);
        }
    }
}
