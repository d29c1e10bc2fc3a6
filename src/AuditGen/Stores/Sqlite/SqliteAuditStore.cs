using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using AuditGen.Pipeline;
using AuditGen.Stores.Chain;
using Microsoft.Data.Sqlite;

namespace AuditGen.Stores.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a committed
/// batch survives a process crash. Each batch is one <c>BEGIN IMMEDIATE</c> transaction (group commit)
/// that reads the chain head inside the transaction, so writers in several processes still extend one
/// chain. Records keep the exact WorkOS JSON beside indexed columns for the export filters.
/// </summary>
public sealed class SqliteAuditStore : IAuditLog, IDisposable
{
    private static readonly string[] s_eventColumns =
        ["$sequence", "$event_id", "$organization_id", "$action", "$occurred_at", "$actor_id", "$actor_name", "$event_json", "$adjustments", "$rejection", "$stored_at", "$hash"];

    private readonly string _path;
    private readonly string _connectionString;
    private readonly byte[]? _chainKey;
    private readonly TimeProvider _timeProvider;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _initializationLock = new();
    private Task? _initialization;

    /// <summary>Opens (and creates, or migrates) the store at <paramref name="path"/> on first use.</summary>
    public SqliteAuditStore(string path, byte[]? chainKey, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _path = System.IO.Path.GetFullPath(path);
        _chainKey = chainKey;
        _timeProvider = timeProvider;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = _path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();

    }

    /// <summary>The database file.</summary>
    public string Path => _path;

    /// <inheritdoc />
    public async ValueTask AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
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

            using var insertEvent = connection.CreateCommand();
            insertEvent.Transaction = transaction;
            insertEvent.CommandText = """
                INSERT INTO audit_events (sequence, event_id, organization_id, action, occurred_at, actor_id, actor_name, event_json, adjustments, rejection, stored_at, hash)
                VALUES ($sequence, $event_id, $organization_id, $action, $occurred_at, $actor_id, $actor_name, $event_json, $adjustments, $rejection, $stored_at, $hash)
                """;
            var parameters = s_eventColumns.Select(name => insertEvent.Parameters.Add(new SqliteParameter { ParameterName = name })).ToArray();

            using var insertTarget = connection.CreateCommand();
            insertTarget.Transaction = transaction;
            insertTarget.CommandText = "INSERT OR IGNORE INTO audit_event_targets (type, sequence) VALUES ($type, $sequence)";
            var targetType = insertTarget.Parameters.Add(new SqliteParameter { ParameterName = "$type" });
            var targetSequence = insertTarget.Parameters.Add(new SqliteParameter { ParameterName = "$sequence" });

            foreach (var entry in entries)
            {
                sequence++;
                var auditEvent = entry.Event;
                var adjustments = string.Join('\n', entry.Adjustments);
                var hash = AuditChain.Hash(sequence, previousHash, auditEvent.Id.ToString(), auditEvent.OrganizationId ?? "", entry.EventJson.Span, adjustments, entry.Rejection ?? "");
                object?[] values =
                [
                    sequence, auditEvent.Id.ToString(), auditEvent.OrganizationId ?? "", auditEvent.Action ?? "", auditEvent.OccurredAt.ToUnixTimeMilliseconds(),
                    auditEvent.Actor?.Id ?? "", (object?)auditEvent.Actor?.Name ?? DBNull.Value, entry.EventJson.ToArray(), adjustments,
                    (object?)entry.Rejection ?? DBNull.Value, storedAt, hash,
                ];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i];
                }

                insertEvent.ExecuteNonQuery();
                foreach (var target in auditEvent.Targets ?? [])
                {
                    targetType.Value = target?.Type ?? "";
                    targetSequence.Value = sequence;
                    insertTarget.ExecuteNonQuery();
                }

                previousHash = hash;
            }

            SetHead(connection, transaction, sequence, previousHash);
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
    public async ValueTask<IReadOnlyList<StoredAuditEntry>> ReadAfterAsync(long afterSequence, int maxCount, CancellationToken cancellationToken)
    {
        var entries = new List<StoredAuditEntry>(Math.Min(maxCount, 1024));
        await foreach (var entry in QueryAsync(new AuditQuery { AfterSequence = afterSequence, Limit = maxCount }, cancellationToken))
        {
            entries.Add(entry);
        }

        return entries;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetSinkCursorAsync(string sinkName, CancellationToken cancellationToken)
    {
        // The row is created at 0 on first sight, so retention knows this sink still needs every record.
        await using var connection = await OpenAsync(cancellationToken);
        Execute(connection, null, "INSERT OR IGNORE INTO audit_sink_cursors (sink, sequence) VALUES ($sink, 0)", ("$sink", sinkName));
        return (long)Scalar(connection, null, "SELECT sequence FROM audit_sink_cursors WHERE sink = $sink", ("$sink", sinkName))!;
    }

    /// <inheritdoc />
    public async ValueTask SetSinkCursorAsync(string sinkName, long sequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        Execute(connection, null, "INSERT INTO audit_sink_cursors (sink, sequence) VALUES ($sink, $sequence) ON CONFLICT (sink) DO UPDATE SET sequence = excluded.sequence", ("$sink", sinkName), ("$sequence", sequence));
    }

    /// <inheritdoc />
    public async ValueTask AddDeadLetterAsync(AuditDeadLetter deadLetter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        await using var connection = await OpenAsync(cancellationToken);
        Execute(
            connection,
            null,
            "INSERT INTO audit_dead_letters (sink, sequence, reason, dead_lettered_at) VALUES ($sink, $sequence, $reason, $at)",
            ("$sink", deadLetter.SinkName), ("$sequence", deadLetter.Sequence), ("$reason", deadLetter.Reason), ("$at", deadLetter.DeadLetteredAt.ToUnixTimeMilliseconds()));
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<AuditDeadLetter>> GetDeadLettersAsync(string sinkName, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        using var command = Command(connection, null, "SELECT sequence, reason, dead_lettered_at FROM audit_dead_letters WHERE sink = $sink ORDER BY id", ("$sink", sinkName));
        using var reader = command.ExecuteReader();
        var deadLetters = new List<AuditDeadLetter>();
        while (reader.Read())
        {
            deadLetters.Add(new AuditDeadLetter(sinkName, reader.GetInt64(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))));
        }

        return deadLetters;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<StoredAuditEntry> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = SqliteQueries.Select(connection, query);
        using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return SqliteQueries.Read(reader);
        }
    }

    /// <inheritdoc />
    public async Task<long> CountAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenAsync(cancellationToken);
        using var command = SqliteQueries.Count(connection, query);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <inheritdoc />
    public async Task<AuditLogStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
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

        var sinks = new List<AuditSinkState>();
        using (var command = Command(
            connection,
            null,
            """
            SELECT c.sink, c.sequence,
                   (SELECT count(*) FROM audit_events e WHERE e.sequence > c.sequence),
                   (SELECT count(*) FROM audit_dead_letters d WHERE d.sink = c.sink)
            FROM audit_sink_cursors c ORDER BY c.sink
            """))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                sinks.Add(new AuditSinkState(reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
            }
        }

        return new AuditLogStatistics(records, last, checkpoint, actions, sinks);
    }

    /// <inheritdoc />
    public async Task<AuditChainVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var checkpoint = LatestCheckpoint(connection, null);
        if (checkpoint is { } point && !SignatureHolds(point.Signature, Checkpoint(point.Sequence, point.Hash)))
        {
            return new AuditChainVerification(false, 0, point.Sequence, "the retention checkpoint's signature does not match: it was altered", point.Sequence);
        }

        var (expectedSequence, previousHash) = checkpoint is { } start ? (start.Sequence, start.Hash) : (0L, AuditChain.Genesis.ToArray());
        var checkpointSequence = expectedSequence;
        long checkedCount = 0;
        using (var command = Command(connection, null, "SELECT sequence, event_id, organization_id, event_json, adjustments, rejection, hash FROM audit_events ORDER BY sequence"))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sequence = reader.GetInt64(0);
                expectedSequence++;
                if (sequence != expectedSequence)
                {
                    return new AuditChainVerification(false, checkedCount, sequence, $"records {expectedSequence} to {sequence - 1} are missing", checkpointSequence);
                }

                var computed = AuditChain.Hash(sequence, previousHash, reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3), reader.GetString(4), reader.IsDBNull(5) ? "" : reader.GetString(5));
                if (!CryptographicOperations.FixedTimeEquals(computed, reader.GetFieldValue<byte[]>(6)))
                {
                    return new AuditChainVerification(false, checkedCount, sequence, "the record does not hash to its stored hash: it, or the record before it, was changed, inserted or moved", checkpointSequence);
                }

                previousHash = computed;
                checkedCount++;
            }
        }

        var head = Head(connection, null);
        if (head is null && expectedSequence > checkpointSequence)
        {
            return new AuditChainVerification(false, checkedCount, null, "the chain head record is missing", checkpointSequence);
        }

        if (head is { } last)
        {
            if (!SignatureHolds(last.Signature, Checkpoint(last.Sequence, last.Hash)))
            {
                return new AuditChainVerification(false, checkedCount, last.Sequence, "the chain head's signature does not match: it was altered", checkpointSequence);
            }

            if (last.Sequence != expectedSequence || !CryptographicOperations.FixedTimeEquals(last.Hash, previousHash))
            {
                return new AuditChainVerification(false, checkedCount, Math.Min(last.Sequence, expectedSequence) + 1, $"the chain ends at record {expectedSequence} but its head says {last.Sequence}: records were removed from or added to the end", checkpointSequence);
            }
        }

        return new AuditChainVerification(true, checkedCount, null, null, checkpointSequence);
    }

    /// <inheritdoc />
    public async Task<AuditPurgeResult> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            using var transaction = connection.BeginTransaction(deferred: false);

            // Only a prefix of the chain goes, and never a record some sink has not finished with.
            var through = Scalar(connection, transaction, "SELECT max(sequence) FROM audit_events WHERE stored_at < $cutoff", ("$cutoff", cutoff.ToUnixTimeMilliseconds())) as long? ?? 0;
            if (Scalar(connection, transaction, "SELECT min(sequence) FROM audit_sink_cursors") is long slowestSink)
            {
                through = Math.Min(through, slowestSink);
            }

            var purged = (long)Scalar(connection, transaction, "SELECT count(*) FROM audit_events WHERE sequence <= $through", ("$through", through))!;
            if (purged == 0)
            {
                return new AuditPurgeResult(0, 0);
            }

            var throughHash = (byte[])Scalar(connection, transaction, "SELECT hash FROM audit_events WHERE sequence = $through", ("$through", through))!;
            Execute(connection, transaction, "DELETE FROM audit_event_targets WHERE sequence <= $through", ("$through", through));
            Execute(connection, transaction, "DELETE FROM audit_events WHERE sequence <= $through", ("$through", through));
            Execute(
                connection,
                transaction,
                "INSERT INTO audit_checkpoints (through_sequence, through_hash, purged_count, created_at, signature) VALUES ($through, $hash, $count, $at, $signature)",
                ("$through", through), ("$hash", throughHash), ("$count", purged), ("$at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds()), ("$signature", (object?)Sign(Checkpoint(through, throughHash)) ?? DBNull.Value));
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

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await EnsureInitializedAsync().WaitAsync(cancellationToken);
        return OpenConnection();
    }

    /// <summary>Creates or migrates the database once; a failed attempt (say, a missing permission) is tried again next time.</summary>
    private Task EnsureInitializedAsync()
    {
        lock (_initializationLock)
        {
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                _initialization = Task.Run(Initialize);
            }

            return _initialization;
        }
    }

    private SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, null, "PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
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

    private static (long Sequence, byte[] Hash) ChainHead(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = Command(connection, transaction, "SELECT sequence, hash FROM audit_events ORDER BY sequence DESC LIMIT 1");
        using var reader = command.ExecuteReader();
        if (reader.Read())
        {
            return (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1));
        }

        return LatestCheckpoint(connection, transaction) is { } checkpoint ? (checkpoint.Sequence, checkpoint.Hash) : (0, AuditChain.Genesis.ToArray());
    }

    private void SetHead(SqliteConnection connection, SqliteTransaction transaction, long sequence, byte[] hash) =>
        Execute(
            connection,
            transaction,
            "INSERT INTO audit_head (id, sequence, hash, signature) VALUES (1, $sequence, $hash, $signature) ON CONFLICT (id) DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash, signature = excluded.signature",
            ("$sequence", sequence), ("$hash", hash), ("$signature", (object?)Sign(Checkpoint(sequence, hash)) ?? DBNull.Value));

    private static (long Sequence, byte[] Hash, byte[]? Signature)? Head(SqliteConnection connection, SqliteTransaction? transaction) =>
        ReadPoint(connection, transaction, "SELECT sequence, hash, signature FROM audit_head WHERE id = 1");

    private static (long Sequence, byte[] Hash, byte[]? Signature)? LatestCheckpoint(SqliteConnection connection, SqliteTransaction? transaction) =>
        ReadPoint(connection, transaction, "SELECT through_sequence, through_hash, signature FROM audit_checkpoints ORDER BY id DESC LIMIT 1");

    private static (long Sequence, byte[] Hash, byte[]? Signature)? ReadPoint(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetFieldValue<byte[]>(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<byte[]>(2)) : null;
    }

    private static byte[] Checkpoint(long sequence, byte[] hash) => [.. Encoding.ASCII.GetBytes($"AuditGen.point.v1:{sequence}:"), .. hash];

    private byte[]? Sign(byte[] data) => _chainKey is null ? null : HMACSHA256.HashData(_chainKey, data);

    /// <summary>With a key, the signature must match; without one, no signature is expected (a stored one is ignored).</summary>
    private bool SignatureHolds(byte[]? signature, byte[] data) =>
        _chainKey is null || (signature is not null && CryptographicOperations.FixedTimeEquals(signature, Sign(data)));

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
