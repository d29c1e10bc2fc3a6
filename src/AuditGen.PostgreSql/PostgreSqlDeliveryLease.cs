using AuditGen.Pipeline;
using Npgsql;

namespace AuditGen.Stores.PostgreSql;

/// <summary>
/// A session-level advisory lock held on a connection of its own for as long as this instance delivers a sink.
/// If the connection breaks, PostgreSQL releases the lock, another instance takes over, and <see cref="Lost"/>
/// fires here; a periodic probe notices a broken connection.
/// </summary>
internal sealed class PostgreSqlDeliveryLease : IAuditDeliveryLease
{
    private static readonly TimeSpan s_probeInterval = TimeSpan.FromSeconds(2);

    private readonly NpgsqlConnection _connection;
    private readonly int _key;
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _probe;

    private PostgreSqlDeliveryLease(NpgsqlConnection connection, int key)
    {
        _connection = connection;
        _key = key;
        _probe = ProbeAsync();
    }

    public CancellationToken Lost => _lost.Token;

    public static async Task<IAuditDeliveryLease?> TryAcquireAsync(NpgsqlDataSource dataSource, string name, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = new NpgsqlCommand($"SELECT hashtext(@name), pg_try_advisory_lock({PostgreSqlSchema.LockClass}, hashtext(@name))", connection);
            command.Parameters.AddWithValue("name", name);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            var (key, acquired) = (reader.GetInt32(0), reader.GetBoolean(1));
            await reader.DisposeAsync();
            if (acquired)
            {
                return new PostgreSqlDeliveryLease(connection, key);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _lost.CancelAsync();
        await _probe;
        try
        {
            await using var command = new NpgsqlCommand($"SELECT pg_advisory_unlock({PostgreSqlSchema.LockClass}, {_key})", _connection);
            await command.ExecuteScalarAsync();
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, and the lock with it.
        }

        await _connection.DisposeAsync();
        _lost.Dispose();
    }

    private async Task ProbeAsync()
    {
        try
        {
            while (!_lost.IsCancellationRequested)
            {
                await Task.Delay(s_probeInterval, _lost.Token);
                await using var command = new NpgsqlCommand("SELECT 1", _connection);
                await command.ExecuteScalarAsync(_lost.Token);
            }
        }
        catch (OperationCanceledException) when (_lost.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or OperationCanceledException)
        {
            await _lost.CancelAsync();
        }
    }
}
