using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AuditGen.Pipeline;
using AuditGen.Stores.Chain;
using Microsoft.Data.Sqlite;

namespace AuditGen.Stores.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a committed
/// batch survives a process crash. Each batch is one <c>BEGIN IMMEDIATE</c> transaction (group commit)
/// that reads the chain head inside the transaction, so writers in several processes still extend one
/// chain. Records keep the exact WorkOS JSON beside the columns the export filters read.
/// </summary>
internal sealed class SqliteAuditStore : IReadableAuditStore, IDisposable
{
    private static readonly string[] s_eventColumns =
        ["$sequence", "$event_id", "$organization_id", "$action", "$occurred_at", "$actor_id", "$actor_name", "$target_types", "$event_json", "$adjustments", "$rejection", "$stored_at", "$hash"];

    private readonly string _path;
    private readonly string _connectionString;
    private readonly AuditChainSigner _signer;
    private readonly TimeProvider _timeProvider;
    private readonly bool _readOnly;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly RetriedInitialization _initialization;

    /// <summary>Opens (and creates, or migrates) the store at <paramref name="path"/> on first use.</summary>
    /// <param name="path">The database file.</param>
    /// <param name="chainKey">The key that signs the chain head and checkpoints, or <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for <c>stored_at</c>.</param>
    /// <param name="readOnly">Only read an existing database (export, verify, stats): nothing is created or migrated.</param>
    public SqliteAuditStore(string path, byte[]? chainKey, TimeProvider timeProvider, bool readOnly = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = System.IO.Path.GetFullPath(path);
        _signer = new AuditChainSigner(chainKey);
        _timeProvider = timeProvider;
        _readOnly = readOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
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

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            using var transaction = connection.BeginTransaction(deferred: false);
            var (sequence, previousHash) = ChainHead(connection, transaction);
            var storedAt = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var appended = 0;

            using var insertEvent = connection.CreateCommand();
            insertEvent.Transaction = transaction;
            insertEvent.CommandText = """
                INSERT INTO audit_events (sequence, event_id, organization_id, action, occurred_at, actor_id, actor_name, target_types, event_json, adjustments, rejection, stored_at, hash)
                VALUES ($sequence, $event_id, $organization_id, $action, $occurred_at, $actor_id, $actor_name, $target_types, $event_json, $adjustments, $rejection, $stored_at, $hash)
                ON CONFLICT (event_id) DO NOTHING
                """;
            var parameters = s_eventColumns.Select(name => insertEvent.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();

            foreach (var entry in entries)
            {
                var next = sequence + 1;
                var auditEvent = entry.Event;
                var eventId = auditEvent.Id.ToString();
                var organizationId = auditEvent.OrganizationId ?? "";
                var adjustments = string.Join('\n', entry.Adjustments);
                var hash = AuditChain.Hash(next, previousHash, storedAt, eventId, organizationId, entry.EventJson.Span, adjustments, entry.Rejection);
                parameters[0].Value = next;
                parameters[1].Value = eventId;
                parameters[2].Value = organizationId;
                parameters[3].Value = auditEvent.Action ?? "";
                parameters[4].Value = auditEvent.OccurredAt.ToUnixTimeMilliseconds();
                parameters[5].Value = auditEvent.Actor?.Id ?? "";
                parameters[6].Value = (object?)auditEvent.Actor?.Name ?? DBNull.Value;
                parameters[7].Value = SqliteTargetTypes.Write(auditEvent.Targets);
                parameters[8].Value = AsArray(entry.EventJson);
                parameters[9].Value = adjustments;
                parameters[10].Value = (object?)entry.Rejection ?? DBNull.Value;
                parameters[11].Value = storedAt;
                parameters[12].Value = hash;

                // An event id already stored (the same event written twice, or a retried batch that did commit) is
                // not stored again: the chain moves on only for rows actually inserted.
                if (insertEvent.ExecuteNonQuery() == 0)
                {
                    continue;
                }

                sequence = next;
                previousHash = hash;
                appended++;
            }

            if (appended > 0)
            {
                SetHead(connection, transaction, sequence, previousHash);
            }

            transaction.Commit();
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
    public async ValueTask<IReadOnlyList<StoredAuditEntry>> ReadRedrivesAsync(string sinkName, int maxCount, CancellationToken cancellationToken) =>
        await WithConnectionAsync<IReadOnlyList<StoredAuditEntry>>(connection =>
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
        return await WithConnectionAsync(connection =>
        {
            using var command = SqliteQueries.Count(connection, query);
            return (long)command.ExecuteScalar()!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<AuditLogStatistics> GetStatisticsAsync(CancellationToken cancellationToken) =>
        await WithConnectionAsync(Statistics, cancellationToken);

    private static AuditLogStatistics Statistics(SqliteConnection connection)
    {
        var records = (long)Scalar(connection, null, "SELECT count(*) FROM audit_events")!;
        var last = Scalar(connection, null, "SELECT max(sequence) FROM audit_events") as long? ?? 0;
        var checkpoint = LatestCheckpoint(connection, null)?.Sequence ?? 0;
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
    public async Task<IReadOnlyList<AuditSinkState>> GetSinkStatesAsync(CancellationToken cancellationToken) =>
        await WithConnectionAsync<IReadOnlyList<AuditSinkState>>(SinkStates, cancellationToken);

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
    public async Task<AuditChainVerification> VerifyAsync(CancellationToken cancellationToken) =>
        await WithConnectionAsync(connection =>
        {
            // One read transaction: in WAL mode it sees one snapshot, so a concurrent append or purge
            // cannot make a healthy chain look broken.
            using var snapshot = connection.BeginTransaction(deferred: true);
            return Verify(_signer, connection, snapshot, cancellationToken);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<AuditPurgeResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        if (_readOnly)
        {
            throw new AuditStoreException($"'{_path}' was opened read-only; purging needs write access.");
        }

        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            using var transaction = connection.BeginTransaction(deferred: false);
            if (!_signer.ChecksSignatures && Head(connection, transaction) is { Signature: not null })
            {
                throw new AuditStoreException($"The chain of '{_path}' is signed; purging needs its chain key, or the new checkpoint could not be verified.");
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

            // Evidence of tampering is never purged away, nor vouched for by a new checkpoint. Only the purged prefix is
            // checked here, while appends wait; the rest stays in the chain for the next full verification.
            var verification = AuditChainVerifier.VerifyPrefix(_signer, LatestCheckpoint(connection, transaction), ReadChain(connection, transaction, through), cancellationToken);
            if (!verification.IsIntact)
            {
                throw new AuditStoreException($"The chain of '{_path}' is broken at record {verification.FirstBrokenSequence} ({verification.Problem}); nothing was purged.");
            }

            var throughHash = (byte[])Scalar(connection, transaction, "SELECT hash FROM audit_events WHERE sequence = $through", ("$through", through))!;
            var createdAt = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            Execute(connection, transaction, "DELETE FROM audit_events WHERE sequence <= $through", ("$through", through));
            Execute(
                connection,
                transaction,
                "INSERT INTO audit_checkpoints (through_sequence, through_hash, purged_count, created_at, signature) VALUES ($through, $hash, $count, $at, $signature)",
                ("$through", through), ("$hash", throughHash), ("$count", purged), ("$at", createdAt),
                ("$signature", (object?)_signer.SignCheckpoint(through, throughHash, $"{purged}/{createdAt}") ?? DBNull.Value));
            transaction.Commit();
            return new AuditPurgeResult(purged, through);
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

    /// <inheritdoc />
    public void Dispose()
    {
        _writeLock.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    private static AuditChainVerification Verify(AuditChainSigner signer, SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken) =>
        AuditChainVerifier.Verify(signer, LatestCheckpoint(connection, transaction), Head(connection, transaction), ReadChain(connection, transaction, long.MaxValue), cancellationToken);

    private static IEnumerable<ChainRecord> ReadChain(SqliteConnection connection, SqliteTransaction transaction, long through)
    {
        using var command = Command(connection, transaction, """
            SELECT e.sequence, e.event_id, e.organization_id, e.event_json, e.adjustments, e.rejection, e.hash, e.stored_at,
                   e.action, e.occurred_at, e.actor_id, e.actor_name, e.target_types
            FROM audit_events e WHERE e.sequence <= $through ORDER BY e.sequence
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

    /// <summary>The serialized event's own array when it spans all of it (as the pipeline's do), so it is not copied.</summary>
    private static byte[] AsArray(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();

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
            Execute(connection, null, "PRAGMA journal_mode = WAL;");
            SqliteSchema.Migrate(connection, _path);
            if (_signer.ChecksSignatures)
            {
                // A signed genesis head: with a key, a log emptied together with its head no longer verifies.
                using var transaction = connection.BeginTransaction(deferred: false);
                if (Head(connection, transaction) is null && Scalar(connection, transaction, "SELECT count(*) FROM audit_events") is 0L)
                {
                    SetHead(connection, transaction, 0, AuditChain.Genesis.ToArray());
                }

                transaction.Commit();
            }
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

    /// <summary>
    /// Where the next record attaches: the chain head, written in the same transaction as every batch.
    /// Continuing from the head rather than from the last row means a cut or rewritten tail stays
    /// detectable after further appends. With a key, a head whose signature fails is refused.
    /// </summary>
    private (long Sequence, byte[] Hash) ChainHead(SqliteConnection connection, SqliteTransaction transaction)
    {
        if (Head(connection, transaction) is { } head)
        {
            if (!_signer.HeadHolds(head))
            {
                throw new AuditStoreException($"The chain head of '{_path}' does not carry a valid signature: the audit log was altered. Run `auditgen verify`; no record is appended to a forged chain.");
            }

            return (head.Sequence, head.Hash);
        }

        return (0, AuditChain.Genesis.ToArray());
    }

    private void SetHead(SqliteConnection connection, SqliteTransaction transaction, long sequence, byte[] hash) =>
        Execute(
            connection,
            transaction,
            "INSERT INTO audit_head (id, sequence, hash, signature) VALUES (1, $sequence, $hash, $signature) ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash, signature = excluded.signature",
            ("$sequence", sequence), ("$hash", hash), ("$signature", (object?)_signer.SignHead(sequence, hash) ?? DBNull.Value));

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

    /// <summary>Whether signatures are checked: without a key they cannot be, and verification says so.</summary>
    public bool ChecksSignatures => _signer.ChecksSignatures;

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
