using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json.Nodes;
using AuditGen.Tests.Processes;

namespace AuditGen.Browser.Tests;

/// <summary>The sample app as its own process on 127.0.0.1, a free port, with its SQLite audit log in a temporary directory.</summary>
public sealed class SampleApp : IAsyncDisposable
{
    private readonly WebAppProcess _app;
    private readonly string _directory;

    private SampleApp(WebAppProcess app, string directory)
    {
        _app = app;
        _directory = directory;
        Http = new HttpClient { BaseAddress = app.BaseAddress };
    }

    public Uri BaseAddress => _app.BaseAddress;

    public HttpClient Http { get; }

    public static async Task<SampleApp> StartAsync()
    {
        var path = typeof(SampleApp).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SamplePath").Value!;
        var directory = Directory.CreateTempSubdirectory("auditgen-sample-").FullName;
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["AuditGen__Sqlite__Path"] = Path.Combine(directory, "audit.db"),

            // A log key made for these tests (auditgen keys generate --name sample.test/audit), so that checkpoints are signed.
            ["AuditGen__Ledger__SigningKey"] = "PRIVATE+KEY+sample.test/audit+422cd88c+AYvyyMIhRPg884xrg18vvp3tUqJlI2btV0MvxzP9KlsH",
            ["WORKOS_API_KEY"] = "",
        };
        return new SampleApp(await WebAppProcess.StartAsync(path, settings, "/health"), directory);
    }

    /// <summary>Signs in through the API and returns a client that sends the bearer token.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password, string organization)
    {
        using var response = await Http.PostAsJsonAsync("/sign-in", new { email, password, organization });
        response.EnsureSuccessStatusCode();
        var token = (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["accessToken"]!;
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}
