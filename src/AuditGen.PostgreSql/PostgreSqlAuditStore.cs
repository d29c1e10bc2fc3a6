using System.Data;
using System.Runtime.CompilerServices;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.Chain;
using Npgsql;
using NpgsqlTypes;

namespace AuditGen.Stores.PostgreSql;

/// <summary>
/// One audit log shared by many application instances. Every batch is one transaction that first locks the chain
/// head row (<c>SELECT ... FOR UPDATE</c>): appenders in all processes queue on that row, so each batch takes the next
/// gapless sequences and extends the one chain from the true head, with no fork. A sequence object would not do:
/// it leaves gaps on rollback and cannot hand over the previous hash. Batches are written with binary <c>COPY</c>.
/// Each sink is delivered by one instance at a time, the holder of a session-level advisory lock.
/// </summary>
internal sealed class PostgreSqlAuditStore : IReadableAuditStore, IDisposable
{
    private static readonly string[] s_eventColumns =
        ["sequence", "event_id", "organization_id", "action", "occurred_at", "actor_id", "actor_name", "target_types", "event_json", "adjustments", "rejection", "stored_at", "hash"];

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly AuditChainSigner _signer;
    private readonly TimeProvider _timeProvider;
    private readonly RetriedInitialization _initialization;

    /// <summary>Connects to the database of <paramref name="connectionString"/>; the schema is created or migrated on first use.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="schema">The schema that holds AuditGen's tables.</param>
    /// <param name="chainKey">The key that signs the chain head and checkpoints, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for <c>stored_at</c>.</param>
    public PostgreSqlAuditStore(string connectionString, string schema, byte[]? chainKey, TimeProvider timeProvider)
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
        _initialization = new RetriedInitialization(InitializeAsync);
    }

    /// <summary>Whether signatures are checked: without a key they cannot be, and verification says so.</summary>
    public bool ChecksSignatures => _signer.ChecksSignatures;

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

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var head = await LockHeadAsync(connection, cancellationToken);
        if (!_signer.HeadHolds(head))
        {
            throw new AuditStoreException($"The chain head in schema '{_schema}' does not carry a valid signature: the audit log was altered. Run `auditgen verify --postgres ...`; no record is appended to a forged chain.");
        }

        // An event id already stored (a retried batch that did commit, or the same event twice) is not stored again.
        var fresh = await WithoutStoredIdsAsync(connection, entries, cancellationToken);
        if (fresh.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return;
        }

        var storedAt = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var (sequence, previousHash) = (head.Sequence, head.Hash);
        await using (var import = await connection.BeginBinaryImportAsync($"COPY {_schema}.audit_events ({string.Join(", ", s_eventColumns)}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var entry in fresh)
            {
                var auditEvent = entry.Event;
                var adjustments = string.Join('\n', entry.Adjustments);
                sequence++;
                previousHash = AuditChain.Hash(sequence, previousHash, storedAt, auditEvent.Id.ToString(), auditEvent.OrganizationId ?? "", entry.EventJson.Span, adjustments, entry.Rejection);
                await import.StartRowAsync(cancellationToken);
                await import.WriteAsync(sequence, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(auditEvent.Id.Value, NpgsqlDbType.Uuid, cancellationToken);
                await import.WriteAsync(auditEvent.OrganizationId ?? "", NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(auditEvent.Action ?? "", NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(auditEvent.OccurredAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(auditEvent.Actor?.Id ?? "", NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(import, auditEvent.Actor?.Name, cancellationToken);
                await import.WriteAsync(FilterColumns.TargetTypes(auditEvent.Targets), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
                await import.WriteAsync(entry.EventJson, NpgsqlDbType.Bytea, cancellationToken);
                await import.WriteAsync(adjustments, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(import, entry.Rejection, cancellationToken);
                await import.WriteAsync(storedAt, NpgsqlDbType.Bigint, cancellationToken);
                await import.WriteAsync(previousHash, NpgsqlDbType.Bytea, cancellationToken);
            }

            await import.CompleteAsync(cancellationToken);
        }

        await ExecuteAsync(
            connection,
            $"UPDATE {_schema}.audit_head SET sequence = @sequence, hash = @hash, signature = @signature WHERE id = 1",
            cancellationToken,
            ("sequence", sequence), ("hash", previousHash), ("signature", _signer.SignHead(sequence, previousHash)));
        await transaction.CommitAsync(cancellationToken);
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
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = PostgreSqlQueries.Count(connection, _schema, query);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<AuditLogStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var records = (long)(await ScalarAsync(connection, $"SELECT count(*) FROM {_schema}.audit_events", cancellationToken))!;
        var last = await ScalarAsync(connection, $"SELECT max(sequence) FROM {_schema}.audit_events", cancellationToken) as long? ?? 0;
        var checkpoint = (await ReadPointAsync(connection, CheckpointSql, cancellationToken))?.Sequence ?? 0;
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
        await using var connection = await OpenAsync(cancellationToken);

        // One snapshot: appends and purges running meanwhile cannot make a healthy chain look broken.
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        return await VerifyAsync(connection, through: null, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AuditPurgeResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var head = await LockHeadAsync(connection, cancellationToken);
        if (!_signer.ChecksSignatures && head.Signature is not null)
        {
            throw new AuditStoreException($"The chain in schema '{_schema}' is signed; purging needs its chain key, or the new checkpoint could not be verified.");
        }

        var through = RetentionCut.Through(
            await ScalarAsync(connection, $"SELECT max(sequence) FROM {_schema}.audit_events WHERE stored_at < @cutoff", cancellationToken, ("cutoff", cutoff.ToUnixTimeMilliseconds())) as long?,
            await ScalarAsync(connection, $"SELECT min(sequence) FROM {_schema}.audit_sink_cursors", cancellationToken) as long?,
            await ScalarAsync(connection, $"SELECT min(sequence) FROM {_schema}.audit_dead_letters", cancellationToken) as long?);

        var purged = (long)(await ScalarAsync(connection, $"SELECT count(*) FROM {_schema}.audit_events WHERE sequence <= @through", cancellationToken, ("through", through)))!;
        if (purged == 0)
        {
            return new AuditPurgeResult(0, 0);
        }

        // Evidence of tampering is never purged away, nor vouched for by a new checkpoint. Only the purged prefix is
        // checked here, while appends in every instance wait on the head row; the rest is left to full verification.
        var verification = await VerifyAsync(connection, through, cancellationToken);
        if (!verification.IsIntact)
        {
            throw new AuditStoreException($"The chain in schema '{_schema}' is broken at record {verification.FirstBrokenSequence} ({verification.Problem}); nothing was purged.");
        }

        var throughHash = (byte[])(await ScalarAsync(connection, $"SELECT hash FROM {_schema}.audit_events WHERE sequence = @through", cancellationToken, ("through", through)))!;
        var createdAt = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        await ExecuteAsync(connection, $"DELETE FROM {_schema}.audit_events WHERE sequence <= @through", cancellationToken, ("through", through));
        await ExecuteAsync(
            connection,
            $"INSERT INTO {_schema}.audit_checkpoints (through_sequence, through_hash, purged_count, created_at, signature) VALUES (@through, @hash, @count, @at, @signature)",
            cancellationToken,
            ("through", through), ("hash", throughHash), ("count", purged), ("at", createdAt), ("signature", _signer.SignCheckpoint(through, throughHash, $"{purged}/{createdAt}")));
        await transaction.CommitAsync(cancellationToken);
        return new AuditPurgeResult(purged, through);
    }

    /// <inheritdoc />
    public void Dispose() => _dataSource.Dispose();

    private string CheckpointSql => $"SELECT through_sequence, through_hash, signature, purged_count || '/' || created_at FROM {_schema}.audit_checkpoints ORDER BY id DESC LIMIT 1";

    /// <summary>The whole chain, or with <paramref name="through"/> only the prefix up to it (for a purge).</summary>
    private async Task<AuditChainVerification> VerifyAsync(NpgsqlConnection connection, long? through, CancellationToken cancellationToken)
    {
        var checkpoint = await ReadPointAsync(connection, CheckpointSql, cancellationToken);
        var head = await ReadPointAsync(connection, $"SELECT sequence, hash, signature, '' FROM {_schema}.audit_head WHERE id = 1", cancellationToken);
        await using var command = Command(
            connection,
            $"""
            SELECT e.sequence, e.event_id, e.organization_id, e.event_json, e.adjustments, e.rejection, e.hash, e.stored_at,
                   e.action, e.occurred_at, e.actor_id, e.actor_name, e.target_types
            FROM {_schema}.audit_events e WHERE e.sequence <= @through ORDER BY e.sequence
            """,
            ("through", through ?? long.MaxValue));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return through is null
            ? AuditChainVerifier.Verify(_signer, checkpoint, head, ReadChain(reader), cancellationToken)
            : AuditChainVerifier.VerifyPrefix(_signer, checkpoint, ReadChain(reader), cancellationToken);
    }

    private static IEnumerable<ChainRecord> ReadChain(NpgsqlDataReader reader)
    {
        while (reader.Read())
        {
            yield return new ChainRecord(
                reader.GetInt64(0), reader.GetGuid(1).ToString("D"), reader.GetString(2), reader.GetFieldValue<byte[]>(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<byte[]>(6), reader.GetInt64(7),
                reader.GetString(8), reader.GetInt64(9), reader.GetString(10), reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.GetFieldValue<string[]>(12));
        }
    }

    /// <summary>Locks the head row for the rest of the transaction: every appender and purger, in every process, queues here.</summary>
    private async Task<ChainPoint> LockHeadAsync(NpgsqlConnection connection, CancellationToken cancellationToken) =>
        (await ReadPointAsync(connection, $"SELECT sequence, hash, signature, '' FROM {_schema}.audit_head WHERE id = 1 FOR UPDATE", cancellationToken))
        ?? throw new AuditStoreException($"The chain head row of schema '{_schema}' is missing: the audit log was altered. Run `auditgen verify --postgres ...`.");

    private async Task<IReadOnlyList<AuditEntry>> WithoutStoredIdsAsync(NpgsqlConnection connection, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        var ids = entries.Select(static entry => entry.Event.Id.Value).Distinct().ToArray();
        var stored = new HashSet<Guid>();
        await using (var command = Command(connection, $"SELECT event_id FROM {_schema}.audit_events WHERE event_id = ANY(@ids)"))
        {
            command.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = ids });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                stored.Add(reader.GetGuid(0));
            }
        }

        return entries.Where(entry => stored.Add(entry.Event.Id.Value)).ToArray();
    }

    private static async Task<ChainPoint?> ReadPointAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ChainPoint(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2), reader.GetString(3))
            : null;
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
            await PostgreSqlSchema.MigrateAsync(_dataSource, _schema, CancellationToken.None);
            if (_signer.ChecksSignatures)
            {
                // A signed genesis head: with a key, a log emptied together with its head no longer verifies.
                await using var connection = await _dataSource.OpenConnectionAsync();
                await ExecuteAsync(
                    connection,
                    $"UPDATE {_schema}.audit_head SET signature = @signature WHERE id = 1 AND sequence = 0 AND signature IS NULL AND NOT EXISTS (SELECT 1 FROM {_schema}.audit_events)",
                    CancellationToken.None,
                    ("signature", _signer.SignHead(0, AuditChain.Genesis.ToArray())));
            }
        }
        catch (NpgsqlException exception)
        {
            throw new AuditStoreException($"Cannot prepare the PostgreSQL audit log in schema '{_schema}': {exception.Message}", exception);
        }
    }

    private static async ValueTask WriteNullableAsync(NpgsqlBinaryImporter import, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await import.WriteNullAsync(cancellationToken);
        }
        else
        {
            await import.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
        }
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
