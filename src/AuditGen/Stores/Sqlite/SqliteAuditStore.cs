using System.Runtime.CompilerServices;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.Chain;
using Microsoft.Data.Sqlite;

namespace AuditGen.Stores.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a committed
/// batch survives a process crash. An append is sequenced: the batch is one row, one fsync, and that is all a
/// strict request waits for. Integration (<see cref="LedgerIntegrator"/>) then places its records in their
/// organizations' Merkle logs in the background, in rounds; reads first integrate what this process sequenced, so
/// they see their own writes. Records keep the exact WorkOS JSON beside the columns the export filters read.
/// </summary>
internal sealed class SqliteAuditStore : IReadableAuditStore, IDisposable
{
    /// <summary>How long background integration lets batches gather after the first one; readers integrate at once.</summary>
    private static readonly TimeSpan GatheringDelay = TimeSpan.FromMilliseconds(100);

    private readonly string _path;
    private readonly string _connectionString;
    private readonly string _sequenceConnectionString;
    private readonly AuditChainSigner _signer;
    private readonly TimeProvider _timeProvider;
    private readonly bool _readOnly;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _sequenceLock = new(1, 1);
    private readonly SemaphoreSlim _integrationLock = new(1, 1);
    private readonly SemaphoreSlim _sequenced = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly RetriedInitialization _initialization;
    private readonly LedgerSettings _ledger;
    private readonly LedgerIntegrator _integrator;
    private long _lastSequenced;
    private long _lastIntegrated;
    private int _signaled;
    private int _disposed;
    private Task? _integrationLoop;

    /// <summary>Opens (and creates, or migrates) the store at <paramref name="path"/> on first use.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="chainKey">The key that signs the chain head and checkpoints, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for <c>stored_at</c>.</param>
    /// <param name="readOnly">Only read an existing database (export, verify, stats): nothing is created or migrated.</param>
    /// <param name="ledger">How checkpoints are signed and how often they are made; unsigned, every second, by default.</param>
    public SqliteAuditStore(string path, byte[]? chainKey, TimeProvider timeProvider, bool readOnly = false, LedgerSettings? ledger = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = System.IO.Path.GetFullPath(path);
        _signer = new AuditChainSigner(chainKey);
        _timeProvider = timeProvider;
        _readOnly = readOnly;
        _ledger = ledger ?? LedgerSettings.Unsigned;
        _integrator = new LedgerIntegrator(_ledger, timeProvider);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _sequenceConnectionString = SqliteSequenceFile.ConnectionString(_path);
        _initialization = new RetriedInitialization(() =>
        {
            Initialize();
            return Task.CompletedTask;
        });
    }

    /// <summary>The database file.</summary>
    public string Path => _path;

    /// <inheritdoc />
    public async ValueTask AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (_readOnly)
        {
            throw new AuditStoreException($"'{_path}' was opened read-only; appending needs write access.");
        }

        if (entries.Count == 0)
        {
            return;
        }

        var (batch, length) = LedgerBatch.EncodeRented(entries.Select(LedgerEntries.From).ToList());
        try
        {
            await _initialization.EnsureAsync().WaitAsync(cancellationToken);
            await _sequenceLock.WaitAsync(cancellationToken);
            try
            {
                using var connection = OpenSequenceConnection();
                using var transaction = connection.BeginTransaction(deferred: false);
                using var insert = Command(connection, transaction, "INSERT INTO ledger_batches (entries, sequenced_at) VALUES ($entries, $at) RETURNING id", ("$at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds()));
                insert.Parameters.Add(new SqliteParameter("$entries", SqliteType.Blob, length) { Value = batch });
                var id = (long)insert.ExecuteScalar()!;
                transaction.Commit();
                InterlockedMax(ref _lastSequenced, id);
            }
            catch (SqliteException exception)
            {
                throw Explain(exception);
            }
            finally
            {
                _sequenceLock.Release();
            }
        }
        finally
        {
            LedgerBatch.Return(batch);
        }

        SignalSequenced();
    }

    /// <summary>
    /// Integrates every batch sequenced so far. Reads call it first when this process has sequenced batches not yet
    /// integrated, so a reader sees its own writes; a read-only store integrates nothing.
    /// </summary>
    /// <returns>Whether changes still wait for a checkpoint.</returns>
    internal async Task<bool> IntegrateAsync(bool forceCheckpoint, CancellationToken cancellationToken)
    {
        if (_readOnly)
        {
            return false;
        }

        await _initialization.EnsureAsync().WaitAsync(cancellationToken);
        await _integrationLock.WaitAsync(cancellationToken);
        try
        {
            LedgerRound round;
            do
            {
                await _writeLock.WaitAsync(cancellationToken);
                try
                {
                    using var connection = OpenConnection();
                    using var batches = OpenSequenceConnection();
                    using var integration = new SqliteLedgerIntegration(connection, batches);
                    round = _integrator.IntegrateRound(integration, forceCheckpoint);
                    InterlockedMax(ref _lastIntegrated, round.IntegratedThrough);
                }
                catch (SqliteException exception)
                {
                    throw Explain(exception);
                }
                finally
                {
                    _writeLock.Release();
                }
            }
            while (round.Batches > 0);
            await ForgetIntegratedBatchesAsync(cancellationToken);
            return round.CheckpointPending;
        }
        finally
        {
            _integrationLock.Release();
        }
    }

    /// <summary>Integrates first when any process has sequenced batches not yet integrated (integrated batches are deleted).</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (_readOnly)
        {
            return;
        }

        var pending = Volatile.Read(ref _lastSequenced) > Volatile.Read(ref _lastIntegrated)
            || await SequencedBatchesWaitAsync(cancellationToken);
        if (pending)
        {
            await IntegrateAsync(false, cancellationToken);
        }
    }

    /// <summary>
    /// The background integration: after appends, and once more after the checkpoint interval while changes wait for a
    /// checkpoint, so the last changes before a quiet spell are checkpointed too. A failed round is retried on the next
    /// signal or after the interval; reads, which integrate too, surface the error.
    /// </summary>
    private async Task RunIntegrationAsync(CancellationToken stopping)
    {
        var checkpointPending = true;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (checkpointPending)
                {
                    await _sequenced.WaitAsync(_ledger.CheckpointInterval, stopping);
                }
                else
                {
                    await _sequenced.WaitAsync(stopping);
                }

                // Rounds that take many batches write each busy page of the log once for many records.
                await Task.Delay(GatheringDelay, stopping);
                Volatile.Write(ref _signaled, 0);
                checkpointPending = await IntegrateAsync(false, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Whatever a round met, the loop lives on and tries again after the interval; reads, which integrate
                // too, report the error to their callers.
                checkpointPending = true;
            }
        }
    }

    private void SignalSequenced()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _sequenced.Release();
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredAuditEntry>> ReadAfterAsync(long afterSequence, int maxCount, CancellationToken cancellationToken) =>
        IReadableAuditStore.ReadAfterAsync(this, afterSequence, maxCount, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<long> GetSinkCursorAsync(string sinkName, CancellationToken cancellationToken) =>
        await WithConnectionAsync(connection =>
        {
            // The row is created at 0 on first sight, so retention knows this sink still needs every record.
            Execute(connection, null, "INSERT OR IGNORE INTO audit_sink_cursors (sink, sequence) VALUES ($sink, 0)", ("$sink", sinkName));
            return (long)Scalar(connection, null, "SELECT sequence FROM audit_sink_cursors WHERE sink = $sink", ("$sink", sinkName))!;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask SetSinkCursorAsync(string sinkName, long sequence, CancellationToken cancellationToken) =>
        await WithConnectionAsync(
            connection => Execute(connection, null, "INSERT INTO audit_sink_cursors (sink, sequence) VALUES ($sink, $sequence) ON CONFLICT (sink) DO UPDATE SET sequence = max(sequence, excluded.sequence)", ("$sink", sinkName), ("$sequence", sequence)),
            cancellationToken);

    /// <inheritdoc />
    public async ValueTask AddDeadLetterAsync(AuditDeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        await WithConnectionAsync(
            connection => Execute(
                connection,
                null,
                """
                INSERT INTO audit_dead_letters (sink, sequence, reason, dead_lettered_at) VALUES ($sink, $sequence, $reason, $at)
                ON CONFLICT (sink, sequence) DO UPDATE SET reason = excluded.reason, dead_lettered_at = excluded.dead_lettered_at, redrive_requested_at = NULL
                """,
                ("$sink", deadLetter.SinkName), ("$sequence", deadLetter.Sequence), ("$reason", deadLetter.Reason), ("$at", deadLetter.DeadLetteredAt.ToUnixTimeMilliseconds())),
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AuditDeadLetter>> GetDeadLettersAsync(string sinkName, CancellationToken cancellationToken) =>
        await WithConnectionAsync<IReadOnlyList<AuditDeadLetter>>(connection =>
        {
            using var command = Command(connection, null, $"SELECT {DeadLetterRows.Columns} FROM audit_dead_letters WHERE sink = $sink ORDER BY sequence", ("$sink", sinkName));
            using var reader = command.ExecuteReader();
            var deadLetters = new List<AuditDeadLetter>();
            while (reader.Read())
            {
                deadLetters.Add(DeadLetterRows.Read(reader, sinkName));
            }

            return deadLetters;
        }, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredAuditEntry>> ReadRedrivesAsync(string sinkName, int maxCount, CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        return await WithConnectionAsync<IReadOnlyList<StoredAuditEntry>>(connection =>
        {
            using var command = SqliteQueries.SelectRedrives(connection, sinkName, maxCount);
            using var reader = command.ExecuteReader();
            var entries = new List<StoredAuditEntry>();
            while (reader.Read())
            {
                entries.Add(SqliteQueries.ReadRedrive(reader));
            }

            return entries;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask RemoveDeadLetterAsync(string sinkName, long sequence, CancellationToken cancellationToken) =>
        await WithConnectionAsync(
            connection => Execute(connection, null, "DELETE FROM audit_dead_letters WHERE sink = $sink AND sequence = $sequence", ("$sink", sinkName), ("$sequence", sequence)),
            cancellationToken);

    /// <inheritdoc />
    public async ValueTask<int> RequestRedriveAsync(string sinkName, long? sequence, CancellationToken cancellationToken)
    {
        if (_readOnly)
        {
            throw new AuditStoreException($"'{_path}' was opened read-only; re-driving dead letters needs write access.");
        }

        return await WithConnectionAsync(connection =>
        {
            using var command = Command(
                connection,
                null,
                "UPDATE audit_dead_letters SET redrive_requested_at = $at WHERE sink = $sink AND ($sequence IS NULL OR sequence = $sequence)",
                ("$at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds()), ("$sink", sinkName), ("$sequence", sequence));
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredAuditEntry> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await CatchUpAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = SqliteQueries.Select(connection, query);

        // An iterator cannot catch around its yields, so each step that reads the file explains its own errors.
        using var reader = Explained(command.ExecuteReader);
        while (ReadRow(reader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return SqliteQueries.Read(reader);
        }
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await CatchUpAsync(cancellationToken);
        return await WithConnectionAsync(connection =>
        {
            using var command = SqliteQueries.Count(connection, query);
            return (long)command.ExecuteScalar()!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AuditLogStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        return await WithConnectionAsync(Statistics, cancellationToken);
    }

    private static AuditLogStatistics Statistics(SqliteConnection connection)
    {
        var records = (long)Scalar(connection, null, "SELECT count(*) FROM audit_events")!;
        var last = Scalar(connection, null, "SELECT max(sequence) FROM audit_events") as long? ?? 0;
        var checkpoint = PurgedFeed(connection, null);
        var actions = new List<AuditActionCount>();
        using (var command = Command(connection, null, "SELECT action, count(*) FROM audit_events GROUP BY action ORDER BY count(*) DESC, action"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                actions.Add(new AuditActionCount(reader.GetString(0), reader.GetInt64(1)));
            }
        }

        var sinks = SinkStates(connection);
        return new AuditLogStatistics(records, last, checkpoint, actions, sinks);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditSinkState>> GetSinkStatesAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        return await WithConnectionAsync<IReadOnlyList<AuditSinkState>>(SinkStates, cancellationToken);
    }

    /// <summary>The chain has no gaps, so a backlog is the newest sequence less the cursor: no count over the events.</summary>
    private static List<AuditSinkState> SinkStates(SqliteConnection connection)
    {
        var sinks = new List<AuditSinkState>();
        using var command = Command(
            connection,
            null,
            """
            SELECT c.sink, c.sequence,
                   max(0, (SELECT coalesce(max(sequence), 0) FROM audit_events) - c.sequence),
                   (SELECT count(*) FROM audit_dead_letters d WHERE d.sink = c.sink)
            FROM audit_sink_cursors c ORDER BY c.sink
            """);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            sinks.Add(new AuditSinkState(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return sinks;
    }

    /// <inheritdoc />
    public async Task<AuditChainVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        return await WithConnectionAsync(connection =>
        {
            // One read transaction: in WAL mode it sees one snapshot, so a concurrent append or purge
            // cannot make a healthy log look broken.
            using var snapshot = connection.BeginTransaction(deferred: true);
            var sealedChain = HasSealedChain(connection, snapshot)
                ? AuditChainVerifier.Verify(_signer, LatestCheckpoint(connection, snapshot), Head(connection, snapshot), ReadChain(connection, snapshot, long.MaxValue), cancellationToken)
                : new AuditChainVerification(true, 0, null, null, 0);
            if (!sealedChain.IsIntact)
            {
                return sealedChain with { Problem = $"in the chain sealed under the ledger: {sealedChain.Problem}" };
            }

            var ledger = LedgerVerifier.Verify(new SqliteLedgerSnapshot(connection, snapshot), _ledger, cancellationToken);
            return ledger.IsIntact
                ? sealedChain with { RecordsChecked = sealedChain.RecordsChecked + ledger.RecordsChecked, CheckpointSequence = PurgedFeed(connection, snapshot) }
                : new AuditChainVerification(
                    false,
                    sealedChain.RecordsChecked + ledger.RecordsChecked,
                    ledger.Feed,
                    ledger.Partition is null ? ledger.Problem : $"organization '{ledger.Partition}', record {ledger.PartitionIndex}: {ledger.Problem}",
                    PurgedFeed(connection, snapshot));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AuditPurgeResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        if (_readOnly)
        {
            throw new AuditStoreException($"'{_path}' was opened read-only; purging needs write access.");
        }

        await IntegrateAsync(false, cancellationToken);
        await _integrationLock.WaitAsync(cancellationToken);
        try
        {
            await _writeLock.WaitAsync(cancellationToken);
        }
        catch
        {
            _integrationLock.Release();
            throw;
        }

        try
        {
            using var connection = OpenConnection();
            using var batches = OpenSequenceConnection();
            using var integration = new SqliteLedgerIntegration(connection, batches);
            var transaction = integration.Transaction;
            if (_ledger.Signer is null && Scalar(connection, transaction, "SELECT note FROM ledger_checkpoints ORDER BY id DESC LIMIT 1") is string note && SignedNote.IsSigned(note))
            {
                throw new AuditStoreException($"The checkpoints of '{_path}' are signed; purging needs the log's signing key, or the purge could not be committed to.");
            }

            var through = RetentionCut.Through(
                Scalar(connection, transaction, "SELECT max(sequence) FROM audit_events WHERE stored_at < $cutoff", ("$cutoff", cutoff.ToUnixTimeMilliseconds())) as long?,
                Scalar(connection, transaction, "SELECT min(sequence) FROM audit_sink_cursors") as long?,
                Scalar(connection, transaction, "SELECT min(sequence) FROM audit_dead_letters") as long?);

            var purged = (long)Scalar(connection, transaction, "SELECT count(*) FROM audit_events WHERE sequence <= $through", ("$through", through))!;
            if (purged == 0)
            {
                return new AuditPurgeResult(0, 0);
            }

            PurgeSealedChain(connection, transaction, through, cancellationToken);
            var partitions = new List<(string, long)>();
            using (var command = Command(connection, transaction, "SELECT organization_id, max(partition_index) + 1 FROM audit_events WHERE sequence <= $through AND partition_index IS NOT NULL GROUP BY organization_id", ("$through", through)))
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    partitions.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }

            _integrator.Purge(integration, partitions);
            integration.RecordPurge(through);
            var round = _integrator.IntegrateRound(integration, forceCheckpoint: true);
            InterlockedMax(ref _lastIntegrated, round.IntegratedThrough);
            return new AuditPurgeResult(purged, through);
        }
        catch (SqliteException exception)
        {
            throw Explain(exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new AuditStoreException($"The audit log '{_path}' cannot be purged: {exception.Message}", exception);
        }
        finally
        {
            _writeLock.Release();
            _integrationLock.Release();
        }
    }

    /// <summary>The last record retention removed (0 when none was).</summary>
    private static long PurgedFeed(SqliteConnection connection, SqliteTransaction? transaction) =>
        (long)Scalar(connection, transaction, "SELECT purged_feed FROM ledger_state WHERE id = 1")!;

    /// <summary>Whether a previous version wrote a chain here, which the ledger sealed when it took over.</summary>
    private static bool HasSealedChain(SqliteConnection connection, SqliteTransaction transaction) =>
        Scalar(connection, transaction, "SELECT sealed_sequence FROM ledger_state WHERE id = 1") is not null
            || Scalar(connection, transaction, "SELECT count(*) FROM audit_checkpoints") is > 0L;

    /// <summary>
    /// Purges the records a previous version chained, up to <paramref name="through"/>, leaving a checkpoint the rest
    /// of that chain verifies from. Evidence of tampering is never purged away: the purged records are checked first.
    /// </summary>
    private void PurgeSealedChain(SqliteConnection connection, SqliteTransaction transaction, long through, CancellationToken cancellationToken)
    {
        var last = Scalar(connection, transaction, "SELECT max(sequence) FROM audit_events WHERE sequence <= $through AND partition_index IS NULL", ("$through", through)) as long?;
        if (last is not { } sealedThrough)
        {
            return;
        }

        if (!_signer.ChecksSignatures && Head(connection, transaction) is { Signature: not null })
        {
            throw new AuditStoreException($"The chain of '{_path}' is signed; purging it needs its chain key, or the new checkpoint could not be verified.");
        }

        var verification = AuditChainVerifier.VerifyPrefix(_signer, LatestCheckpoint(connection, transaction), ReadChain(connection, transaction, sealedThrough), cancellationToken);
        if (!verification.IsIntact)
        {
            throw new AuditStoreException($"The chain of '{_path}' is broken at record {verification.FirstBrokenSequence} ({verification.Problem}); nothing was purged.");
        }

        var count = (long)Scalar(connection, transaction, "SELECT count(*) FROM audit_events WHERE sequence <= $through AND partition_index IS NULL", ("$through", sealedThrough))!;
        var throughHash = (byte[])Scalar(connection, transaction, "SELECT hash FROM audit_events WHERE sequence = $through", ("$through", sealedThrough))!;
        var createdAt = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        Execute(connection, transaction, "DELETE FROM audit_events WHERE sequence <= $through AND partition_index IS NULL", ("$through", sealedThrough));
        Execute(
            connection,
            transaction,
            "INSERT INTO audit_checkpoints (through_sequence, through_hash, purged_count, created_at, signature) VALUES ($through, $hash, $count, $at, $signature)",
            ("$through", sealedThrough), ("$hash", throughHash), ("$count", count), ("$at", createdAt),
            ("$signature", (object?)_signer.SignCheckpoint(sealedThrough, throughHash, $"{count}/{createdAt}") ?? DBNull.Value));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        try
        {
            // A set-up still running (first use racing shutdown) finishes first: it opens files and starts the loop.
            _initialization.Current?.Wait(TimeSpan.FromSeconds(30));
            _integrationLoop?.Wait(TimeSpan.FromSeconds(5));

            // What this instance sequenced is integrated before it goes, so a reader that integrates nothing (the CLI) sees it.
            if (Volatile.Read(ref _lastSequenced) > Volatile.Read(ref _lastIntegrated))
            {
                IntegrateAsync(false, CancellationToken.None).Wait(TimeSpan.FromSeconds(30));
            }
        }
        catch (AggregateException)
        {
            // Batches left sequenced are integrated when the log is next opened for writing; reads have reported the error.
        }

        _stopping.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        SqliteConnection.ClearPool(new SqliteConnection(_sequenceConnectionString));
    }

    private static IEnumerable<ChainRecord> ReadChain(SqliteConnection connection, SqliteTransaction transaction, long through)
    {
        using var command = Command(connection, transaction, """
            SELECT e.sequence, e.event_id, e.organization_id, e.event_json, e.adjustments, e.rejection, e.hash, e.stored_at,
                   e.action, e.occurred_at, e.actor_id, e.actor_name, e.target_types
            FROM audit_events e WHERE e.sequence <= $through AND e.partition_index IS NULL ORDER BY e.sequence
            """, ("$through", through));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return new ChainRecord(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<byte[]>(6), reader.GetInt64(7),
                reader.GetString(8), reader.GetInt64(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                SqliteTargetTypes.Read(reader.GetString(12)));
        }
    }

    /// <summary>Runs work on a new connection, with SQLite's errors explained (a corrupt page can surface in any read).</summary>
    private async Task<T> WithConnectionAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var connection = await OpenAsync(cancellationToken);
        return Explained(() => work(connection));
    }

    private async Task WithConnectionAsync(Action<SqliteConnection> work, CancellationToken cancellationToken) =>
        await WithConnectionAsync(
            connection =>
            {
                work(connection);
                return true;
            },
            cancellationToken);

    private T Explained<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (SqliteException exception)
        {
            throw Explain(exception);
        }
    }

    private bool ReadRow(SqliteDataReader reader)
    {
        try
        {
            return reader.Read();
        }
        catch (SqliteException exception)
        {
            throw Explain(exception);
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _initialization.EnsureAsync().WaitAsync(cancellationToken);
        return OpenConnection();
    }

    /// <summary>
    /// Events committed to the batch file but not yet integrated, which queries do not show yet: left by a process that
    /// stopped before integrating them, or in flight. Read without changing either file, so a read-only store can tell.
    /// </summary>
    internal async Task<long> CountUnintegratedAsync(CancellationToken cancellationToken)
    {
        await _initialization.EnsureAsync().WaitAsync(cancellationToken);
        var batchFile = SqliteSequenceFile.PathOf(_path);
        if (!File.Exists(batchFile))
        {
            return 0;
        }

        using var log = OpenConnection();
        var integrated = Explained(() => (long)Scalar(log, null, "SELECT integrated_through FROM ledger_state WHERE id = 1")!);
        using var batches = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = batchFile, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        return Explained(() =>
        {
            batches.Open();
            using var command = Command(batches, null, "SELECT substr(entries, 1, 5) FROM ledger_batches WHERE id > $integrated", ("$integrated", integrated));
            using var reader = command.ExecuteReader();
            long events = 0;
            while (reader.Read())
            {
                events += LedgerBatch.Count(reader.GetFieldValue<byte[]>(0));
            }

            return events;
        });
    }

    /// <summary>Deletes integrated batches from the batch file, taking its lock between two appends.</summary>
    private async Task ForgetIntegratedBatchesAsync(CancellationToken cancellationToken)
    {
        await _sequenceLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = OpenSequenceConnection();
            Explained(() =>
            {
                Execute(connection, null, "DELETE FROM ledger_batches WHERE id <= $through", ("$through", Volatile.Read(ref _lastIntegrated)));
                return true;
            });
        }
        finally
        {
            _sequenceLock.Release();
        }
    }

    /// <summary>Whether the batch file holds batches this instance has not seen integrated: another process may have sequenced them.</summary>
    private async Task<bool> SequencedBatchesWaitAsync(CancellationToken cancellationToken)
    {
        await _initialization.EnsureAsync().WaitAsync(cancellationToken);
        using var connection = OpenSequenceConnection();
        return Explained(() => Scalar(connection, null, "SELECT EXISTS (SELECT 1 FROM ledger_batches WHERE id > $integrated)", ("$integrated", Volatile.Read(ref _lastIntegrated))) is 1L);
    }

    private SqliteConnection OpenSequenceConnection()
    {
        var connection = new SqliteConnection(_sequenceConnectionString);
        try
        {
            connection.Open();
            Execute(connection, null, "PRAGMA synchronous = FULL;");
            return connection;
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw Explain(exception);
        }
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            if (!_readOnly)
            {
                Execute(connection, null, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
            }

            return connection;
        }
        catch (SqliteException exception)
        {
            connection.Dispose();
            throw Explain(exception);
        }
    }

    private void Initialize()
    {
        if (_readOnly)
        {
            using var reader = OpenConnection();
            try
            {
                SqliteSchema.CheckReadable(reader, _path);
            }
            catch (SqliteException exception)
            {
                throw Explain(exception);
            }

            return;
        }

        var directory = System.IO.Path.GetDirectoryName(_path)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new AuditStoreException($"Cannot create the directory of the audit database '{_path}': {exception.Message}", exception);
        }

        using var connection = OpenConnection();
        try
        {
            SqliteSchema.CheckOwnership(connection, _path);
            Execute(connection, null, "PRAGMA journal_mode = WAL;");
            SqliteSchema.Migrate(connection, _path);
            using (var sequence = OpenSequenceConnection())
            {
                SqliteSequenceFile.Initialize(
                    sequence,
                    _path,
                    (long)Scalar(connection, null, "SELECT integrated_through FROM ledger_state WHERE id = 1")!,
                    (byte[])Scalar(connection, null, "SELECT log_id FROM ledger_state WHERE id = 1")!);
            }

            // Batches a crashed process sequenced are integrated now, and a new log gets its first checkpoint.
            LedgerRound round;
            do
            {
                using var batches = OpenSequenceConnection();
                using var integration = new SqliteLedgerIntegration(connection, batches);
                round = _integrator.IntegrateRound(integration, forceCheckpoint: true);
            }
            while (round.Batches > 0);

            _lastIntegrated = round.IntegratedThrough;
            using (var sequence = OpenSequenceConnection())
            {
                Execute(sequence, null, "DELETE FROM ledger_batches WHERE id <= $through", ("$through", _lastIntegrated));
            }

            _integrationLoop = Task.Run(() => RunIntegrationAsync(_stopping.Token));
        }
        catch (SqliteException exception)
        {
            throw Explain(exception);
        }
    }

    private AuditStoreException Explain(SqliteException exception) => exception.SqliteErrorCode switch
    {
        11 or 26 => new AuditStoreException($"'{_path}' is corrupt or is not a SQLite database; move it aside so AuditGen can start a new audit log ({exception.Message})", exception),
        8 => new AuditStoreException($"The audit database '{_path}' is read-only; AuditGen needs to write to it and to its directory ({exception.Message})", exception),
        14 => new AuditStoreException($"Cannot open the audit database '{_path}': check that its directory exists and is writable ({exception.Message})", exception),
        _ => new AuditStoreException($"The audit database '{_path}' failed: {exception.Message}", exception),
    };

    private static ChainPoint? Head(SqliteConnection connection, SqliteTransaction? transaction) =>
        ReadPoint(connection, transaction, "SELECT sequence, hash, signature, '' FROM audit_head WHERE id = 1");

    private static ChainPoint? LatestCheckpoint(SqliteConnection connection, SqliteTransaction? transaction) =>
        ReadPoint(connection, transaction, "SELECT through_sequence, through_hash, signature, purged_count || '/' || created_at FROM audit_checkpoints ORDER BY id DESC LIMIT 1");

    private static ChainPoint? ReadPoint(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new ChainPoint(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2), reader.GetString(3))
            : null;
    }

    /// <summary>Whether signatures are checked: the checkpoints' with the log's verifier key, a sealed chain's with its chain key.</summary>
    public bool ChecksSignatures => _ledger.Verifier is not null || _signer.ChecksSignatures;

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }
}
