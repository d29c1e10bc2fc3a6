using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json;

namespace AuditGen.AspNetCore.Tests;

/// <summary>One test app running as its own process on Kestrel, 127.0.0.1, a free port.</summary>
public sealed class TestApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _databasePath;
    private readonly bool _ownsDatabase;

    private TestApiProcess(Process process, Uri baseAddress, string databasePath, bool ownsDatabase)
    {
        _process = process;
        _databasePath = databasePath;
        _ownsDatabase = ownsDatabase;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress };
        ClientViaTrustedProxy = new HttpClient(BoundTo(IPAddress.Parse("127.0.0.2"))) { BaseAddress = baseAddress };
    }

    public Uri BaseAddress { get; }

    public HttpClient Client { get; }

    /// <summary>A client whose connections come from 127.0.0.2, the app's one trusted proxy.</summary>
    public HttpClient ClientViaTrustedProxy { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the app; with <paramref name="databasePath"/> the caller owns the database (to restart on it).</summary>
    public static async Task<TestApiProcess> StartAsync(string metadataKey, IReadOnlyDictionary<string, string>? environment = null, string? databasePath = null)
    {
        var path = typeof(TestApiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == metadataKey).Value!;
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(path)! };
        start.ArgumentList.Add(path);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["AuditGen__Http__IgnoredStatusCodes__0"] = "404";
        start.Environment["AuditGen__Http__OrganizationHeader"] = "X-Tenant-Id";
        var ownsDatabase = databasePath is null;
        databasePath ??= Path.Combine(Path.GetTempPath(), $"auditgen-testapi-{Guid.NewGuid():N}.db");
        start.Environment["AuditGen__Sqlite__Path"] = databasePath;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var app = new TestApiProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"), databasePath, ownsDatabase);
        app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        await app.WaitUntilListeningAsync();
        return app;
    }

    /// <summary>The stored events (create-event request bodies), waiting until <paramref name="count"/> are there.</summary>
    public async Task<JsonElement[]> EventsAsync(Func<JsonElement, bool> match, int count = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var bodies = await Client.GetFromJsonAsync<string[]>("/_test/events");
            var matching = bodies!.Select(b => JsonDocument.Parse(b).RootElement).Where(match).ToArray();
            if (matching.Length >= count)
            {
                return matching;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} matching events, found {matching.Length}. All events:\n{string.Join('\n', bodies!)}\nApp output:\n{Output}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        ClientViaTrustedProxy.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_ownsDatabase)
        {
            foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Kills the process with SIGKILL: no shutdown, no drain, as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The test app exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await Client.GetAsync("/_test/mode");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The test app did not start:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static SocketsHttpHandler BoundTo(IPAddress localAddress) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(localAddress, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}

/// <summary>Both builds of the test app, started once for all request-level tests.</summary>
public sealed class TestApis : IAsyncLifetime
{
    public TestApiProcess Runtime { get; private set; } = null!;

    public TestApiProcess Rdg { get; private set; } = null!;

    public TestApiProcess this[string mode] => mode == "rdg" ? Rdg : Runtime;

    public async Task InitializeAsync()
    {
        Runtime = await TestApiProcess.StartAsync("TestApiPath");
        Rdg = await TestApiProcess.StartAsync("RdgTestApiPath");
    }

    public async Task DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await Rdg.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class TestAppsCollectionDefinition : ICollectionFixture<TestApis>
{
    public const string Name = "test apps";
}
