using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using AuditGen.Tests.Processes;

namespace AuditGen.AspNetCore.Tests;

/// <summary>One test app running as its own process on Kestrel, 127.0.0.1, a free port.</summary>
public sealed class TestApiProcess : IAsyncDisposable
{
    private readonly WebAppProcess _app;
    private readonly string _databasePath;
    private readonly bool _ownsDatabase;

    private TestApiProcess(WebAppProcess app, string databasePath, bool ownsDatabase)
    {
        _app = app;
        _databasePath = databasePath;
        _ownsDatabase = ownsDatabase;
        Client = new HttpClient { BaseAddress = app.BaseAddress };
        ClientViaTrustedProxy = new HttpClient(BoundTo(IPAddress.Parse("127.0.0.2"))) { BaseAddress = app.BaseAddress };
    }

    public Uri BaseAddress => _app.BaseAddress;

    public HttpClient Client { get; }

    /// <summary>A client whose connections come from 127.0.0.2, the app's one trusted proxy.</summary>
    public HttpClient ClientViaTrustedProxy { get; }

    public string Output => _app.Output;

    /// <summary>Starts the app; with <paramref name="databasePath"/> the caller owns the database (to restart on it).</summary>
    public static async Task<TestApiProcess> StartAsync(string metadataKey, IReadOnlyDictionary<string, string>? environment = null, string? databasePath = null)
    {
        var path = typeof(TestApiProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == metadataKey).Value!;
        var ownsDatabase = databasePath is null;
        databasePath ??= Path.Combine(Path.GetTempPath(), $"auditgen-testapi-{Guid.NewGuid():N}.db");
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Logging__LogLevel__Default"] = "Warning",
            ["AuditGen__Http__IgnoredStatusCodes__0"] = "404",
            ["AuditGen__Http__OrganizationHeader"] = "X-Tenant-Id",
            ["AuditGen__Sqlite__Path"] = databasePath,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            settings[name] = value;
        }

        return new TestApiProcess(await WebAppProcess.StartAsync(path, settings, "/_test/mode"), databasePath, ownsDatabase);
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
        await _app.DisposeAsync();
        if (_ownsDatabase)
        {
            foreach (var file in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    /// <summary>Kills the process with SIGKILL: no shutdown, no drain, as a crash or an OOM kill would.</summary>
    public Task KillAsync() => _app.KillAsync();

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
