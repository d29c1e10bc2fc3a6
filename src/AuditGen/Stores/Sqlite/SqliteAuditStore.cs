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
internal sealed class SqliteAuditStore : IReadableAuditStore, ILedgerReader, IDisposable
{
    private readonly string _path;
    private readonly string _connectionString;
    private readonly string _sequenceConnectionString;
    private readonly AuditChainSigner _signer;
    private readonly TimeProvider _timeProvider;
    private readonly bool _readOnly;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _sequenceLock = new(1, 1);
    private readonly SemaphoreSlim _integrationLock = new(1, 1);
    private readonly RetriedInitialization _initialization;
    private readonly LedgerSettings _ledger;
    private readonly LedgerIntegrator _integrator;
    private long _lastSequenced;
    private long _lastIntegrated;
    private readonly LedgerIntegrationLoop _integrationLoop;
    private int _disposed;

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
        _integrationLoop = new LedgerIntegrationLoop(
            IntegrateAsync,
            () => Volatile.Read(ref _lastSequenced) > Volatile.Read(ref _lastIntegrated),
            _ledger.CheckpointInterval);
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
    /// <summary>Whether the store was opened read-only (export, verify, stats).</summary>
    public bool IsReadOnly => _readOnly;

    /// <summary>
    /// Appends <paramref name="entries"/> to the log's batch file without opening the log for writing, also when this
    /// store was opened read-only: nothing in the log is created, migrated or placed, and the application (or the next
    /// process that writes) places them. The CLI records its own access this way. Refused with
    /// <see cref="AuditStoreException"/> when the log has no batch file or it cannot be written (a copy under investigation).
    /// </summary>
    public ValueTask AppendToBatchFileAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] logId;
        using (var connection = OpenConnection())
        {
            logId = Explained(() => (byte[])Scalar(connection, null, "SELECT log_id FROM ledger_state WHERE id = 1")!);
        }

        var (batch, length) = LedgerBatch.EncodeRented(entries.Select(LedgerEntries.From).ToList());
        try
        {
            SqliteSequenceFile.AppendToExisting(_path, logId, batch, length, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        }
        catch (SqliteException exception)
        {
            throw new AuditStoreException($"'{SqliteSequenceFile.PathOf(_path)}' cannot be written ({exception.Message})", exception);
        }
        finally
        {
            LedgerBatch.Return(batch);
        }

        return ValueTask.CompletedTask;
    }

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

        _integrationLoop.Signal();
    }

    /// <summary>
    /// Integrates every batch sequenced before the call, and no further: appends that keep coming never hold a reader
    /// up. Reads call it first when batches wait, so a reader sees its own writes; a read-only store integrates nothing.
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
            var target = LastSequencedBatch();
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
            while (round.Batches > 0 && round.IntegratedThrough < target);
            await ForgetIntegratedBatchesAsync(cancellationToken);
            _integrationLoop.Integrated(round.CheckpointPending);
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
            var sealedChain = SealedChain(connection, snapshot);
            return LedgerReport.Verification(
                sealedChain.Exists ? sealedChain.Verify(cancellationToken) : null,
                () => LedgerVerifier.Verify(new SqliteLedgerSnapshot(connection, snapshot), _ledger, cancellationToken),
                PurgedFeed(connection, snapshot));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<T> ReadLedgerAsync<T>(Func<ILedgerSnapshot, Task<T>> read, CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        using var snapshot = Explained(() => connection.BeginTransaction(deferred: true));
        try
        {
            return await read(new SqliteLedgerSnapshot(connection, snapshot));
        }
        catch (SqliteException exception)
        {
            throw Explain(exception);
        }
    }

    /// <inheritdoc />
    public Task KeepWitnessedCheckpointAsync(long size, string cosignedNote, CancellationToken cancellationToken) =>
        WithConnectionAsync(
            connection => Execute(connection, null, WitnessedCheckpointSql.Keep("main."), ("@size", size), ("@note", cosignedNote), ("@at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds())),
            cancellationToken);

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
            return LedgerRetention.Purge(
                _integrator,
                integration,
                new LogTables(connection, integration.Transaction, "main."),
                SealedChain(connection, integration.Transaction),
                cutoff,
                _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                cancellationToken);
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

    private SealedChain SealedChain(SqliteConnection connection, SqliteTransaction transaction) =>
        new(new LogTables(connection, transaction, "main."), _signer, static (reader, ordinal) => SqliteTargetTypes.Read(reader.GetString(ordinal)));

    /// <summary>The last record retention removed (0 when none was).</summary>
    private static long PurgedFeed(SqliteConnection connection, SqliteTransaction? transaction) =>
        (long)Scalar(connection, transaction, "SELECT purged_feed FROM ledger_state WHERE id = 1")!;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            // A set-up still running (first use racing shutdown) finishes first: it opens files and starts the loop.
            _initialization.Current?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // A set-up that failed left nothing to integrate.
        }

        _integrationLoop.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        SqliteConnection.ClearPool(new SqliteConnection(_sequenceConnectionString));
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

    /// <summary>The newest batch committed to the batch file so far, by any process; 0 when none waits.</summary>
    private long LastSequencedBatch()
    {
        using var connection = OpenSequenceConnection();
        return Explained(() => (long)Scalar(connection, null, "SELECT coalesce(max(id), 0) FROM ledger_batches")!);
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
            var target = LastSequencedBatch();
            LedgerRound round;
            do
            {
                using var batches = OpenSequenceConnection();
                using var integration = new SqliteLedgerIntegration(connection, batches);
                round = _integrator.IntegrateRound(integration, forceCheckpoint: true);
            }
            while (round.Batches > 0 && round.IntegratedThrough < target);

            _lastIntegrated = round.IntegratedThrough;
            using (var sequence = OpenSequenceConnection())
            {
                Execute(sequence, null, "DELETE FROM ledger_batches WHERE id <= $through", ("$through", _lastIntegrated));
            }

            _integrationLoop.Start();
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
