using AuditGen.Pipeline;
using AuditGen.Sinks.WorkOs;
using AuditGen.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.WorkOs.Tests.TestSupport;

/// <summary>
/// An application host with AuditGen, its SQLite store in a real file, and the WorkOS sink (or the given sinks) pointed
/// at the emulator, configured through configuration keys as a user would. Every log line is captured.
/// </summary>
internal sealed class AuditHost : IAsyncDisposable
{
    private readonly IHost _host;

    private AuditHost(IHost host, CapturingLoggerProvider logs)
    {
        _host = host;
        Logs = logs;
    }

    public CapturingLoggerProvider Logs { get; }

    public IServiceProvider Services => _host.Services;

    public IAuditEventWriter Writer => Services.GetRequiredService<IAuditEventWriter>();

    public IReadableAuditStore Log => (IReadableAuditStore)Services.GetRequiredService<IAuditStore>();

    public IConfigurationRoot Configuration => (IConfigurationRoot)Services.GetRequiredService<IConfiguration>();

    /// <summary>Starts the host; <paramref name="addSinks"/> adds its sinks (by default the WorkOS sink).</summary>
    public static async Task<AuditHost> StartAsync(string databasePath, Uri emulator, IDictionary<string, string?>? settings = null, Action<IHttpClientBuilder>? configureClient = null, Action<IAuditGenBuilder>? addSinks = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditGen:Sqlite:Path"] = databasePath,
            ["AuditGen:DeliveryPollInterval"] = "00:00:00.050",
            ["AuditGen:DeliveryRetryDelay"] = "00:00:00.050",
            ["AuditGen:WorkOs:BaseUrl"] = emulator.ToString(),
            ["AuditGen:WorkOs:ApiKey"] = Emulator.ApiKey,
            ["AuditGen:WorkOs:RetryBaseDelay"] = "00:00:00.010",
            ["AuditGen:WorkOs:PausedRetryInterval"] = "00:00:00.100",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        var logs = new CapturingLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        var auditGen = builder.Services.AddAuditGen();
        (addSinks ?? (static auditGen => auditGen.AddWorkOsSink()))(auditGen);
        builder.Services.AddHealthChecks().AddAuditGen();
        configureClient?.Invoke(builder.Services.AddHttpClient(WorkOsAuditSink.HttpClientName));
        var host = builder.Build();
        await host.StartAsync();
        return new AuditHost(host, logs);
    }

    public async Task<HealthReport> HealthAsync() => await Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

    public Task StopAsync() => _host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
