using System.Buffers;
using System.Globalization;
using System.Text;

namespace AuditGen.Sinks.Syslog;

/// <summary>
/// The client side of RELP (rsyslog's reliable event logging protocol): frames <c>TXNR SP COMMAND SP DATALEN [SP DATA] LF</c>,
/// an <c>open</c> offering the <c>syslog</c> command, then <c>syslog</c> frames, each answered by an <c>rsp</c> frame
/// carrying the same transaction number and <c>200 OK</c>.
/// </summary>
internal sealed class RelpSession(Stream stream)
{
    private const int MaxResponseData = 64 * 1024;

    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;
    private int _nextTransaction = 1;

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var frames = new ArrayBufferWriter<byte>();
        var transaction = AppendFrame(frames, "open", "relp_version=0\nrelp_software=auditgen\ncommands=syslog"u8);
        await stream.WriteAsync(frames.WrittenMemory, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        var (number, status) = await ReadResponseAsync(cancellationToken);
        if (number != transaction || !status.StartsWith("200", StringComparison.Ordinal))
        {
            throw new IOException($"the RELP receiver refused the session: {Bounded(status)}");
        }
    }

    /// <summary>Sends every message, then waits until each is acknowledged; a refusal or a closing receiver throws.</summary>
    public async Task SendAllAsync(IReadOnlyList<byte[]> messages, CancellationToken cancellationToken)
    {
        // One write for the whole batch: few TLS records, few segments.
        var pending = new HashSet<int>();
        var frames = new ArrayBufferWriter<byte>(messages.Sum(static message => message.Length + 32));
        foreach (var message in messages)
        {
            pending.Add(AppendFrame(frames, "syslog", message));
        }

        await stream.WriteAsync(frames.WrittenMemory, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        while (pending.Count > 0)
        {
            var (number, status) = await ReadResponseAsync(cancellationToken);
            if (!status.StartsWith("200", StringComparison.Ordinal))
            {
                throw new IOException($"the RELP receiver refused message {number}: {Bounded(status)}");
            }

            pending.Remove(number);
        }
    }

    private int AppendFrame(ArrayBufferWriter<byte> frames, string command, ReadOnlySpan<byte> data)
    {
        var transaction = _nextTransaction;
        _nextTransaction = _nextTransaction == 999_999_999 ? 1 : _nextTransaction + 1;
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{transaction} {command} {data.Length}{(data.Length > 0 ? " " : "")}"), frames);
        frames.Write(data);
        frames.Write("\n"u8);
        return transaction;
    }

    /// <summary>The next <c>rsp</c> frame's transaction number and data; a <c>serverclose</c> throws.</summary>
    private async Task<(int Transaction, string Data)> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var transaction = int.Parse(await ReadTokenAsync(cancellationToken), NumberStyles.None, CultureInfo.InvariantCulture);
        var command = await ReadTokenAsync(cancellationToken);
        var length = int.Parse(await ReadTokenAsync(cancellationToken, endsAtNewline: true), NumberStyles.None, CultureInfo.InvariantCulture);
        if (length > MaxResponseData)
        {
            throw new IOException($"the RELP receiver sent a frame of {length} bytes");
        }

        var data = length == 0 ? [] : await ReadBytesAsync(length, cancellationToken);
        if (length > 0)
        {
            await ReadBytesAsync(1, cancellationToken);
        }

        return command switch
        {
            "rsp" => (transaction, Encoding.UTF8.GetString(data)),
            "serverclose" => throw new IOException("the RELP receiver closed the session"),
            _ => throw new IOException($"the RELP receiver sent an unexpected '{Bounded(command)}' frame"),
        };
    }

    /// <summary>Bytes up to the next space (or newline, when <paramref name="endsAtNewline"/>), at most 16.</summary>
    private async Task<string> ReadTokenAsync(CancellationToken cancellationToken, bool endsAtNewline = false)
    {
        var token = new StringBuilder();
        while (true)
        {
            var b = (await ReadBytesAsync(1, cancellationToken))[0];
            if (b == ' ' || (endsAtNewline && b == '\n'))
            {
                return token.ToString();
            }

            if (token.Length == 16)
            {
                throw new IOException("the RELP receiver sent a malformed frame");
            }

            token.Append((char)b);
        }
    }

    private async Task<byte[]> ReadBytesAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken);
                if (_end == 0)
                {
                    throw new IOException("the RELP receiver closed the connection");
                }
            }

            var take = Math.Min(count - copied, _end - _start);
            _buffer.AsSpan(_start, take).CopyTo(result.AsSpan(copied));
            _start += take;
            copied += take;
        }

        return result;
    }

    private static string Bounded(string text) => text.Length <= 200 ? text : text[..200];
}
