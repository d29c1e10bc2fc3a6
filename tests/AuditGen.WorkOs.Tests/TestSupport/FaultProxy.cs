using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AuditGen.WorkOs.Tests.TestSupport;

/// <summary>
/// A TCP proxy on 127.0.0.1 between a sink and a real receiver that speaks just enough HTTP/1.1 to inject faults per
/// request: a 503 in S3's words, a connection dropped before the request reaches the receiver, or dropped after the
/// receiver answered (the work is done, the sink never hears). Every answer is sent with <c>Connection: close</c>, so
/// each request has a connection of its own. The headers of every request are kept for the tests to read.
/// </summary>
internal sealed class FaultProxy : IAsyncDisposable
{
    private const int MaxHead = 64 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _upstreamPort;
    private readonly Random _random;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    public FaultProxy(int upstreamPort, int seed)
    {
        _upstreamPort = upstreamPort;
        _random = new Random(seed);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Share of requests answered 503 SlowDown.</summary>
    public double SlowDownRate { get; set; }

    /// <summary>Share of requests whose connection is dropped before they reach the receiver.</summary>
    public double DropBeforeRate { get; set; }

    /// <summary>Share of requests whose connection is dropped after the receiver answered.</summary>
    public double DropAfterRate { get; set; }

    /// <summary>Share of requests answered only after a pause of <see cref="SlowAnswer"/>.</summary>
    public double SlowRate { get; set; }

    public TimeSpan SlowAnswer { get; set; } = TimeSpan.FromMilliseconds(200);

    public ConcurrentDictionary<string, int> Injected { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> RequestHeads { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (SocketException) when (!_stopping.IsCancellationRequested)
            {
                // A connection reset before it was accepted: keep serving the others.
                continue;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var (head, body) = await ReadRequestAsync(stream);
                if (head is null)
                {
                    return;
                }

                if (head.Contains("\r\nExpect: 100-continue", StringComparison.OrdinalIgnoreCase))
                {
                    await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray());
                    head = head.Replace("\r\nExpect: 100-continue", "", StringComparison.OrdinalIgnoreCase);
                    body = await ReadBodyAsync(stream, body, ContentLength(head));
                }

                RequestHeads.Enqueue(head);
                var fault = Draw();
                if (fault == "slow")
                {
                    await Task.Delay(SlowAnswer);
                }

                switch (fault)
                {
                    case "drop_before":
                        client.Client.LingerState = new LingerOption(true, 0);
                        return;
                    case "503":
                        var error = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";
                        await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: {error.Length}\r\nConnection: close\r\n\r\n{error}"));
                        return;
                }

                var response = await ForwardAsync(head, body);
                if (fault == "drop_after")
                {
                    client.Client.LingerState = new LingerOption(true, 0);
                    return;
                }

                await stream.WriteAsync(response);
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
            {
            }
        }
    }

    private string? Draw()
    {
        double draw;
        lock (_random)
        {
            draw = _random.NextDouble();
        }

        var fault = (draw -= SlowDownRate) < 0 ? "503"
            : (draw -= DropBeforeRate) < 0 ? "drop_before"
            : (draw -= DropAfterRate) < 0 ? "drop_after"
            : (draw -= SlowRate) < 0 ? "slow"
            : null;
        if (fault is not null)
        {
            Injected.AddOrUpdate(fault, 1, static (_, count) => count + 1);
        }

        return fault;
    }

    /// <summary>Sends the request to the receiver with <c>Connection: close</c> and returns its whole answer, marked the same.</summary>
    private async Task<byte[]> ForwardAsync(string head, byte[] body)
    {
        using var upstream = new TcpClient();
        await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort);
        var stream = upstream.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(WithConnectionClose(head)));
        await stream.WriteAsync(body);
        using var response = new MemoryStream();
        await stream.CopyToAsync(response);
        var bytes = response.ToArray();
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        return end < 0 ? bytes : [.. Encoding.ASCII.GetBytes(WithConnectionClose(Encoding.ASCII.GetString(bytes, 0, end + 4))), .. bytes.AsSpan(end + 4)];
    }

    private static string WithConnectionClose(string head)
    {
        var lines = head[..^4].Split("\r\n").Where(static line => !line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
        return string.Join("\r\n", lines) + "\r\nConnection: close\r\n\r\n";
    }

    private static async Task<(string? Head, byte[] Body)> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new byte[MaxHead];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length));
            if (read == 0)
            {
                return (null, []);
            }

            length += read;
            var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                var head = Encoding.ASCII.GetString(buffer, 0, end + 4);
                var started = buffer.AsSpan(end + 4, length - end - 4).ToArray();
                return head.Contains("\r\nExpect: 100-continue", StringComparison.OrdinalIgnoreCase)
                    ? (head, started)
                    : (head, await ReadBodyAsync(stream, started, ContentLength(head)));
            }
        }

        return (null, []);
    }

    private static async Task<byte[]> ReadBodyAsync(NetworkStream stream, byte[] started, int length)
    {
        var body = new byte[length];
        started.AsSpan(0, Math.Min(started.Length, length)).CopyTo(body);
        if (started.Length < length)
        {
            await stream.ReadExactlyAsync(body.AsMemory(started.Length));
        }

        return body;
    }

    private static int ContentLength(string head)
    {
        var line = head.Split("\r\n").FirstOrDefault(static line => line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return line is null ? 0 : int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
