using System.Data;
using System.Runtime.CompilerServices;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.Chain;
using Npgsql;
using NpgsqlTypes;

namespace AuditGen.Stores.PostgreSql;

/// <summary>
/// One audit log shared by many application instances, on the ledger (<see cref="LedgerIntegrator"/>). An append is
/// sequenced: one row of <c>ledger_batches</c>, one commit, no lock, so instances append side by side. Integration
/// then places the records in their organizations' Merkle logs in rounds, one instance at a time under a transaction
/// advisory lock (<see cref="PostgreSqlLedgerIntegration"/>); reads integrate first, so they see every committed
/// append. Each sink is delivered by one instance at a time, the holder of a session-level advisory lock.
/// </summary>
internal sealed class PostgreSqlAuditStore : IReadableAuditStore, ILedgerReader, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly AuditChainSigner _signer;
    private readonly TimeProvider _timeProvider;
    private readonly RetriedInitialization _initialization;
    private readonly LedgerSettings _ledger;
    private readonly LedgerIntegrator _integrator;
    private readonly LedgerIntegrationLoop _integrationLoop;
    private readonly SemaphoreSlim _integrationLock = new(1, 1);
    private readonly bool _migrate;
    private long _sequencedHere;
    private long _integratedHere;
    private int _disposed;

    /// <summary>Connects to the database of <paramref name="connectionString"/>; the schema is created or migrated on first use.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="schema">The schema that holds AuditGen's tables.</param>
    /// <param name="chainKey">The key that signed the chain a previous version wrote, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for <c>stored_at</c>.</param>
    /// <param name="ledger">How checkpoints are signed and how often they are made; unsigned, every second, by default.</param>
    /// <param name="migrate">Create or migrate the schema on first use (the application); tools pass <see langword="false"/> and need it current.</param>
    public PostgreSqlAuditStore(string connectionString, string schema, byte[]? chainKey, TimeProvider timeProvider, LedgerSettings? ledger = null, bool migrate = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        if (!IsIdentifier(schema))
        {
            throw new ArgumentException($"'{schema}' is not a plain PostgreSQL identifier (lower-case letters, digits and _).", nameof(schema));
        }

        _dataSource = new NpgsqlSlimDataSourceBuilder(connectionString).EnableArrays().Build();
        _schema = schema;
        _signer = new AuditChainSigner(chainKey);
        _timeProvider = timeProvider;
        _ledger = ledger ?? LedgerSettings.Unsigned;
        _integrator = new LedgerIntegrator(_ledger, timeProvider);
        _integrationLoop = new LedgerIntegrationLoop(
            IntegrateAsync,
            () => Volatile.Read(ref _sequencedHere) > Volatile.Read(ref _integratedHere),
            _ledger.CheckpointInterval);
        _migrate = migrate;
        _initialization = new RetriedInitialization(InitializeAsync);
    }

    /// <summary>Whether signatures are checked: the checkpoints' with the log's verifier key, a sealed chain's with its chain key.</summary>
    public bool ChecksSignatures => _ledger.Verifier is not null || _signer.ChecksSignatures;

    /// <summary>Whether <paramref name="schema"/> holds an AuditGen audit log, checked without creating anything (for tools that only read).</summary>
    internal static async Task<bool> HoldsAuditLogAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"SELECT to_regclass('{schema}.audit_schema_version') IS NOT NULL", connection);
            return await command.ExecuteScalarAsync(cancellationToken) is true;
        }
        catch (NpgsqlException exception)
        {
            throw new AuditStoreException($"Cannot reach the PostgreSQL audit log: {exception.Message}", exception);
        }
    }

    internal static bool IsIdentifier(string? name) =>
        name is { Length: > 0 and <= 63 } && (name[0] is >= 'a' and <= 'z' or '_') && name.All(static c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_');

    /// <inheritdoc />
    public async ValueTask AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return;
        }

        var (batch, length) = LedgerBatch.EncodeRented(entries.Select(LedgerEntries.From).ToList());
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var insert = Command(connection, $"INSERT INTO {_schema}.ledger_batches (sequenced_at, entries) VALUES (@at, @entries)", ("at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds()));
            insert.Parameters.Add(new NpgsqlParameter("entries", NpgsqlDbType.Bytea) { Value = new ReadOnlyMemory<byte>(batch, 0, length) });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            throw new AuditStoreException($"The PostgreSQL audit log in schema '{_schema}' did not take the batch: {exception.Message}", exception);
        }
        finally
        {
            LedgerBatch.Return(batch);
        }

        Interlocked.Increment(ref _sequencedHere);
        _integrationLoop.Signal();
    }

    /// <summary>
    /// Integrates, round after round, every batch any instance committed before the call, and no further: appends that
    /// keep coming never hold the caller up.
    /// </summary>
    /// <returns>Whether changes still wait for a checkpoint.</returns>
    internal async Task<bool> IntegrateAsync(bool forceCheckpoint, CancellationToken cancellationToken)
    {
        await _initialization.EnsureAsync().WaitAsync(cancellationToken);
        var sequenced = Volatile.Read(ref _sequencedHere);
        return await IntegrateThroughAsync(await LastSequencedBatchAsync(cancellationToken) ?? 0, sequenced, forceCheckpoint, cancellationToken);
    }

    /// <param name="target">The newest batch to integrate.</param>
    /// <param name="sequenced">How many batches this instance had sequenced before <paramref name="target"/> was read: all of them are integrated once this returns.</param>
    /// <param name="forceCheckpoint">Make a top-level checkpoint now if anything changed, whatever the interval.</param>
    /// <param name="cancellationToken">Stops waiting for the integration lock.</param>
    private async Task<bool> IntegrateThroughAsync(long target, long sequenced, bool forceCheckpoint, CancellationToken cancellationToken)
    {
        await _integrationLock.WaitAsync(cancellationToken);
        try
        {
            LedgerRound round;
            do
            {
                using var connection = OpenConnection();
                using var integration = new PostgreSqlLedgerIntegration(connection, _schema);
                round = _integrator.IntegrateRound(integration, forceCheckpoint);
            }
            while (round.Batches > 0 && round.IntegratedThrough < target);
            Volatile.Write(ref _integratedHere, sequenced);
            _integrationLoop.Integrated(round.CheckpointPending);
            return round.CheckpointPending;
        }
        catch (NpgsqlException exception)
        {
            throw new AuditStoreException($"Integrating the PostgreSQL audit log in schema '{_schema}' failed: {exception.Message}", exception);
        }
        finally
        {
            _integrationLock.Release();
        }
    }

    /// <summary>Integrates first when batches wait, so a read sees every append committed before it.</summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        await _initialization.EnsureAsync().WaitAsync(cancellationToken);
        var sequenced = Volatile.Read(ref _sequencedHere);
        if (await LastSequencedBatchAsync(cancellationToken) is { } target)
        {
            await IntegrateThroughAsync(target, sequenced, false, cancellationToken);
        }
    }

    /// <summary>The newest batch committed so far and not yet integrated, by any instance; null when none waits.</summary>
    private async Task<long?> LastSequencedBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ScalarAsync(connection, $"SELECT max(id) FROM {_schema}.ledger_batches", cancellationToken) as long?;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StoredAuditEntry>> ReadAfterAsync(long afterSequence, int maxCount, CancellationToken cancellationToken) =>
        IReadableAuditStore.ReadAfterAsync(this, afterSequence, maxCount, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<long> GetSinkCursorAsync(string sinkName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, $"INSERT INTO {_schema}.audit_sink_cursors (sink, sequence) VALUES (@sink, 0) ON CONFLICT (sink) DO NOTHING", cancellationToken, ("sink", sinkName));
        return (long)(await ScalarAsync(connection, $"SELECT sequence FROM {_schema}.audit_sink_cursors WHERE sink = @sink", cancellationToken, ("sink", sinkName)))!;
    }

    /// <inheritdoc />
    public async ValueTask SetSinkCursorAsync(string sinkName, long sequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(
            connection,
            $"INSERT INTO {_schema}.audit_sink_cursors (sink, sequence) VALUES (@sink, @sequence) ON CONFLICT (sink) DO UPDATE SET sequence = GREATEST({_schema}.audit_sink_cursors.sequence, excluded.sequence)",
            cancellationToken,
            ("sink", sinkName), ("sequence", sequence));
    }

    /// <inheritdoc />
    public async ValueTask AddDeadLetterAsync(AuditDeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(
            connection,
            $"""
            INSERT INTO {_schema}.audit_dead_letters (sink, sequence, reason, dead_lettered_at) VALUES (@sink, @sequence, @reason, @at)
            ON CONFLICT (sink, sequence) DO UPDATE SET reason = excluded.reason, dead_lettered_at = excluded.dead_lettered_at, redrive_requested_at = NULL
            """,
            cancellationToken,
            ("sink", deadLetter.SinkName), ("sequence", deadLetter.Sequence), ("reason", deadLetter.Reason), ("at", deadLetter.DeadLetteredAt.ToUnixTimeMilliseconds()));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AuditDeadLetter>> GetDeadLettersAsync(string sinkName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT {DeadLetterRows.Columns} FROM {_schema}.audit_dead_letters WHERE sink = @sink ORDER BY sequence", ("sink", sinkName));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var deadLetters = new List<AuditDeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            deadLetters.Add(DeadLetterRows.Read(reader, sinkName));
        }

        return deadLetters;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StoredAuditEntry>> ReadRedrivesAsync(string sinkName, int maxCount, CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(
            connection,
            $"""
            SELECT {PostgreSqlQueries.EntryColumns}, d.redrive_requested_at
            FROM {_schema}.audit_dead_letters d JOIN {_schema}.audit_events e ON e.sequence = d.sequence
            WHERE d.sink = @sink AND d.redrive_requested_at IS NOT NULL
            ORDER BY d.sequence LIMIT @limit
            """,
            ("sink", sinkName), ("limit", maxCount));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<StoredAuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(PostgreSqlQueries.Read(reader).ForRedrive(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8))));
        }

        return entries;
    }

    /// <inheritdoc />
    public async ValueTask RemoveDeadLetterAsync(string sinkName, long sequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, $"DELETE FROM {_schema}.audit_dead_letters WHERE sink = @sink AND sequence = @sequence", cancellationToken, ("sink", sinkName), ("sequence", sequence));
    }

    /// <inheritdoc />
    public async ValueTask<int> RequestRedriveAsync(string sinkName, long? sequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await ExecuteAsync(
            connection,
            $"UPDATE {_schema}.audit_dead_letters SET redrive_requested_at = @at WHERE sink = @sink AND (@sequence::bigint IS NULL OR sequence = @sequence::bigint)",
            cancellationToken,
            ("at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds()), ("sink", sinkName), ("sequence", sequence));
    }

    /// <inheritdoc />
    public async ValueTask<IAuditDeliveryLease?> TryAcquireDeliveryLeaseAsync(string sinkName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sinkName);
        await _initialization.EnsureAsync().WaitAsync(cancellationToken);
        return await PostgreSqlDeliveryLease.TryAcquireAsync(_dataSource, $"{_schema}/{sinkName}", cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredAuditEntry> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await CatchUpAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = PostgreSqlQueries.Select(connection, _schema, query);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return PostgreSqlQueries.Read(reader);
        }
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await CatchUpAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = PostgreSqlQueries.Count(connection, _schema, query);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<AuditLogStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var records = (long)(await ScalarAsync(connection, $"SELECT count(*) FROM {_schema}.audit_events", cancellationToken))!;
        var last = await ScalarAsync(connection, $"SELECT max(sequence) FROM {_schema}.audit_events", cancellationToken) as long? ?? 0;
        var checkpoint = (long)(await ScalarAsync(connection, $"SELECT purged_feed FROM {_schema}.ledger_state WHERE id = 1", cancellationToken))!;
        var actions = new List<AuditActionCount>();
        await using (var command = Command(connection, $"SELECT action, count(*) FROM {_schema}.audit_events GROUP BY action ORDER BY count(*) DESC, action"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                actions.Add(new AuditActionCount(reader.GetString(0), reader.GetInt64(1)));
            }
        }

        var sinks = await SinkStatesAsync(connection, cancellationToken);
        return new AuditLogStatistics(records, last, checkpoint, actions, sinks);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditSinkState>> GetSinkStatesAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        return await SinkStatesAsync(connection, cancellationToken);
    }

    /// <summary>The chain has no gaps, so a backlog is the newest sequence less the cursor: no count over the events.</summary>
    private async Task<List<AuditSinkState>> SinkStatesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var sinks = new List<AuditSinkState>();
        await using var command = Command(
            connection,
            $"""
            SELECT c.sink, c.sequence,
                   GREATEST(0, (SELECT coalesce(max(sequence), 0) FROM {_schema}.audit_events) - c.sequence),
                   (SELECT count(*) FROM {_schema}.audit_dead_letters d WHERE d.sink = c.sink)
            FROM {_schema}.audit_sink_cursors c ORDER BY c.sink
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            sinks.Add(new AuditSinkState(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }

        return sinks;
    }

    /// <inheritdoc />
    public async Task<AuditChainVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);

        // One snapshot: appends, rounds and purges running meanwhile cannot make a healthy log look broken.
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var rows = new PostgreSqlLedgerRows(connection, _schema);
        var sealedChain = SealedChain(connection, snapshot);
        return LedgerReport.Verification(
            sealedChain.Exists ? sealedChain.Verify(cancellationToken) : null,
            () => LedgerVerifier.Verify(new PostgreSqlLedgerSnapshot(rows), _ledger, cancellationToken),
            (long)rows.Scalar($"SELECT purged_feed FROM {_schema}.ledger_state WHERE id = 1")!);
    }

    /// <inheritdoc />
    public async Task<T> ReadLedgerAsync<T>(Func<ILedgerSnapshot, Task<T>> read, CancellationToken cancellationToken)
    {
        await CatchUpAsync(cancellationToken);
        await using var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
            return await read(new PostgreSqlLedgerSnapshot(new PostgreSqlLedgerRows(connection, _schema)));
        }
        catch (NpgsqlException exception)
        {
            throw new AuditStoreException($"Reading the PostgreSQL audit log in schema '{_schema}' failed: {exception.Message}", exception);
        }
    }

    /// <inheritdoc />
    public async Task KeepWitnessedCheckpointAsync(long size, string cosignedNote, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, WitnessedCheckpointSql.Keep($"{_schema}."), cancellationToken, ("size", size), ("note", cosignedNote), ("at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <inheritdoc />
    public async Task<AuditPurgeResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await IntegrateAsync(false, cancellationToken);
        await _integrationLock.WaitAsync(cancellationToken);
        try
        {
            using var connection = OpenConnection();
            using var integration = new PostgreSqlLedgerIntegration(connection, _schema);
            return LedgerRetention.Purge(
                _integrator,
                integration,
                new LogTables(connection, integration.Transaction, $"{_schema}."),
                SealedChain(connection, integration.Transaction),
                cutoff,
                _timeProvider.GetUtcNow().ToUnixTimeMilliseconds(),
                cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            throw new AuditStoreException($"Purging the PostgreSQL audit log in schema '{_schema}' failed: {exception.Message}", exception);
        }
        catch (InvalidOperationException exception)
        {
            throw new AuditStoreException($"The audit log in schema '{_schema}' cannot be purged: {exception.Message}", exception);
        }
        finally
        {
            _integrationLock.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            // A set-up still running (first use racing shutdown) finishes first: it starts the loop.
            _initialization.Current?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // A set-up that failed left nothing to integrate.
        }

        _integrationLoop.Dispose();
        _dataSource.Dispose();
    }

    private SealedChain SealedChain(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        new(new LogTables(connection, transaction, $"{_schema}."), _signer, static (reader, ordinal) => reader.GetFieldValue<string[]>(ordinal));

    private NpgsqlConnection OpenConnection()
    {
        try
        {
            return _dataSource.OpenConnection();
        }
        catch (NpgsqlException exception)
        {
            throw new AuditStoreException($"Cannot reach the PostgreSQL audit log: {exception.Message}", exception);
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _initialization.EnsureAsync().WaitAsync(cancellationToken);
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException exception)
        {
            throw new AuditStoreException($"Cannot reach the PostgreSQL audit log: {exception.Message}", exception);
        }
    }

    private async Task InitializeAsync()
    {
        try
        {
            if (_migrate)
            {
                await PostgreSqlSchema.MigrateAsync(_dataSource, _schema, CancellationToken.None);
            }
            else
            {
                await PostgreSqlSchema.CheckCurrentAsync(_dataSource, _schema, CancellationToken.None);
            }

            // A new log gets its first checkpoint; batches other instances are appending are left to the background loop.
            using var connection = OpenConnection();
            using var integration = new PostgreSqlLedgerIntegration(connection, _schema);
            _integrator.IntegrateRound(integration, forceCheckpoint: true);
        }
        catch (NpgsqlException exception)
        {
            throw new AuditStoreException($"Cannot prepare the PostgreSQL audit log in schema '{_schema}': {exception.Message}", exception);
        }

        _integrationLoop.Start();
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }
}
