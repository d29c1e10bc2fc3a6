using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AuditGen.WorkOsEmulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.WorkOs.Tests.TestSupport;

/// <summary>The WorkOS emulator on a free port of 127.0.0.1, configured like a developer would in appsettings.</summary>
internal sealed class Emulator : IAsyncDisposable
{
    public const string ApiKey = "sk_test_emulator_key_123";

    private readonly WebApplication _app;

    private Emulator(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = baseUrl };
        Http.DefaultRequestHeaders.Authorization = new("Bearer", ApiKey);
    }

    public Uri BaseUrl { get; }

    /// <summary>A client that sends the emulator's key.</summary>
    public HttpClient Http { get; }

    /// <summary>The live options; tests change faults and organizations on it as an operator would edit configuration.</summary>
    public EmulatorOptions Options => _app.Services.GetRequiredService<IOptionsMonitor<EmulatorOptions>>().CurrentValue;

    public static async Task<Emulator> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var app = WorkOsEmulatorApp.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Emulator:ApiKeys:0"] = ApiKey,
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new Emulator(app, new Uri(address + "/"));
    }

    public async Task<IReadOnlyList<JsonObject>> ReceivedAsync()
    {
        var response = await Http.GetFromJsonAsync<JsonObject>("_emulator/events");
        return [.. response!["data"]!.AsArray().Select(static item => item!.AsObject())];
    }

    /// <summary>What a log stream receiver kept (<c>datadog</c>, <c>splunk</c>, <c>webhook:NAME</c>), with every event id when asked.</summary>
    public async Task<JsonObject> StreamAsync(string receiver, bool ids = false) =>
        (await Http.GetFromJsonAsync<JsonObject>($"_emulator/streams/{Uri.EscapeDataString(receiver)}?ids={(ids ? "true" : "false")}"))!;

    public async Task<JsonObject> StatsAsync() => (await Http.GetFromJsonAsync<JsonObject>("_emulator/stats"))!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
