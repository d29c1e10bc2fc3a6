using System.Buffers;
using System.Globalization;
using System.Text;
using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.Syslog;

/// <summary>
/// Sends each event as an RFC 5424 message (<see cref="Rfc5424Message"/>) over one kept connection: with octet-counting
/// framing over TLS (RFC 5425), where a batch counts as delivered once written, so a connection that drops can lose what
/// was in flight; or over RELP, where a batch counts as delivered once every message is acknowledged (at least once).
/// An event longer than <see cref="SyslogSinkOptions.MaxMessageSize"/> is dead-lettered with that reason, never cut.
/// </summary>
internal sealed class SyslogAuditSink(IOptionsMonitor<SyslogSinkOptions> options) : IAuditBatchSink, IAsyncDisposable
{
    public const string SinkName = "syslog";

    private const int MaxKeptText = 1_000;

    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly string _hostname = Rfc5424Message.Hostname(options.CurrentValue.Hostname);
    private SyslogConnection? _connection;
    private RelpSession? _relp;

    public string Name => SinkName;

    public int MaxBatchSize => options.CurrentValue.MaxBatchSize;

    public AuditSinkFilter Filter => options.CurrentValue.Filter;

    public string? Refusal(StoredAuditEntry entry)
    {
        var current = options.CurrentValue;
        var length = Rfc5424Message.Length(entry, current, _hostname);
        return length > current.MaxMessageSize
            ? string.Create(CultureInfo.InvariantCulture, $"This event's syslog message is {length:N0} bytes, longer than the receiver takes (AuditGen:Syslog:MaxMessageSize, {current.MaxMessageSize:N0}); it is not cut.")
            : null;
    }

    public async ValueTask<AuditDeliveryResult> DeliverBatchAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        var messages = entries.Select(entry => Rfc5424Message.Format(entry, current, _hostname)).ToList();
        await _sending.WaitAsync(cancellationToken);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(current.RequestTimeout);
            if (_connection is not null && (_relp is not null) != (current.Transport == SyslogTransport.Relp))
            {
                // The transport was changed in reloaded configuration.
                await DropConnectionAsync();
            }

            var connection = _connection ??= await ConnectAsync(current, timeout.Token);
            if (_relp is { } relp)
            {
                await relp.SendAllAsync(messages, timeout.Token);
            }
            else
            {
                await WriteOctetCountedAsync(connection.Stream, messages, timeout.Token);
            }

            return AuditDeliveryResult.Delivered;
        }
        catch (System.Security.Authentication.AuthenticationException exception)
        {
            await DropConnectionAsync();
            return AuditDeliveryResult.Pause($"syslog receiver {current.Host}:{current.Port}: TLS failed ({DestinationText.Scrub(exception.Message, MaxKeptText)}); is its certificate trusted (TrustedCertificateAuthorityPath) and issued for {current.ServerName ?? current.Host}?", current.PausedRetryInterval);
        }
        catch (Exception exception) when (exception is IOException or System.Net.Sockets.SocketException or FormatException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await DropConnectionAsync();
            var reason = exception is OperationCanceledException ? $"no answer within {current.RequestTimeout}" : exception.Message;
            return AuditDeliveryResult.Retry($"syslog receiver {current.Host}:{current.Port}: {DestinationText.Scrub(reason, MaxKeptText)}");
        }
        finally
        {
            _sending.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DropConnectionAsync();
        _sending.Dispose();
    }

    private async Task<SyslogConnection> ConnectAsync(SyslogSinkOptions current, CancellationToken cancellationToken)
    {
        var relp = current.Transport == SyslogTransport.Relp;
        var connection = await SyslogConnection.OpenAsync(current, tls: !relp || current.UseTls, cancellationToken);
        if (relp)
        {
            try
            {
                _relp = new RelpSession(connection.Stream);
                await _relp.OpenAsync(cancellationToken);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        return connection;
    }

    /// <summary>RFC 6587 octet counting: <c>LENGTH SP MESSAGE</c>, the whole batch in one write.</summary>
    private static async Task WriteOctetCountedAsync(Stream stream, List<byte[]> messages, CancellationToken cancellationToken)
    {
        var frames = new ArrayBufferWriter<byte>(messages.Sum(static message => message.Length + 8));
        foreach (var message in messages)
        {
            Encoding.ASCII.GetBytes(message.Length.ToString(CultureInfo.InvariantCulture) + " ", frames);
            frames.Write(message);
        }

        await stream.WriteAsync(frames.WrittenMemory, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    private async Task DropConnectionAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            _relp = null;
            await connection.DisposeAsync();
        }
    }
}
