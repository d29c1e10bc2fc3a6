using System.Diagnostics;
using System.Globalization;
using System.Text;
using AuditGen.Events;
using AuditGen.Pipeline;
using AuditGen.WorkOs.Tests.TestSupport;
using AuditGen.WorkOsEmulator;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.Benchmarks;

/// <summary>
/// Delivery rate of each log stream sink against its receiver on 127.0.0.1: the emulator's Datadog, Splunk (with
/// indexer acknowledgment), webhook and OTLP receivers, a real s3rver, a real rsyslog (RELP over mutual TLS). The events are
/// stored first; the clock runs from the sink's start until its cursor has passed them all. With faults, 30% of
/// requests fail as the sink tests inject them (the emulator's faults; for S3 the tests' TCP proxy).
/// </summary>
internal static class SinkThroughput
{
    private const string DatadogKey = "dd_benchmark_key_0123456789";
    private const string SplunkToken = "11111111-2222-3333-4444-555555555555";

    public static async Task<string> RunAsync(int count)
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Delivery of {count:N0} stored events, batches of 500 (events/s, wall clock):");
        report.AppendLine();
        report.AppendLine("| sink | no faults | 30% faults |");
        report.AppendLine("|---|---:|---:|");
        foreach (var (name, run) in new (string, Func<bool, Task<double>>)[]
        {
            ("Datadog", faults => ViaEmulatorAsync(count, faults, emulator => new() { ["AuditGen:Datadog:BaseUrl"] = emulator, ["AuditGen:Datadog:ApiKey"] = DatadogKey }, static b => b.AddDatadogSink())),
            ("Splunk, indexer acknowledgment", faults => ViaEmulatorAsync(count, faults, emulator => new() { ["AuditGen:Splunk:Url"] = emulator, ["AuditGen:Splunk:Token"] = SplunkToken, ["AuditGen:Splunk:UseIndexerAcknowledgment"] = "true", ["AuditGen:Splunk:AcknowledgmentPollInterval"] = "00:00:00.020" }, static b => b.AddSplunkSink())),
            ("HTTPS, signed", faults => ViaEmulatorAsync(count, faults, emulator => new() { ["AuditGen:Https:Url"] = emulator + "webhooks/bench", ["AuditGen:Https:SigningSecret"] = new string('s', 40) }, static b => b.AddHttpsSink())),
            ("OpenTelemetry, OTLP/HTTP gzip", faults => ViaEmulatorAsync(count, faults, emulator => new() { ["AuditGen:OpenTelemetry:Endpoint"] = emulator + "v1/logs" }, static b => b.AddOpenTelemetrySink())),
            ("S3 (s3rver)", faults => ViaS3Async(count, faults)),
        })
        {
            var clean = await run(false);
            var faulty = await run(true);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {clean:N0} | {faulty:N0} |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"| syslog, RELP over mutual TLS (rsyslog) | {await ViaRsyslogAsync(count):N0} | not measured |");
        return report.ToString();
    }

    private static async Task<double> ViaEmulatorAsync(int count, bool faults, Func<string, Dictionary<string, string?>> sink, Action<IAuditGenBuilder> addSink)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Emulator:Streams:DatadogApiKeys:0"] = DatadogKey,
            ["Emulator:Streams:SplunkAckTokens:0"] = SplunkToken,
            ["Emulator:Streams:SplunkIndexingDelayMilliseconds"] = "10",
        };
        if (faults)
        {
            settings["Emulator:Faults:StatusRates:500"] = "0.06";
            settings["Emulator:Faults:StatusRates:503"] = "0.06";
            settings["Emulator:Faults:StatusRates:429"] = "0.06";
            settings["Emulator:Faults:DropConnectionRate"] = "0.06";
            settings["Emulator:Faults:DropAfterAcceptRate"] = "0.06";
            settings["Emulator:Faults:RetryAfterSeconds"] = "0";
            settings["Emulator:Faults:Seed"] = "11";
        }

        var emulator = WorkOsEmulatorApp.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(settings);
        });
        await emulator.StartAsync();
        try
        {
            var address = emulator.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/";
            return await MeasureAsync(count, sink(address), addSink);
        }
        finally
        {
            await emulator.StopAsync();
            await emulator.DisposeAsync();
        }
    }

    private static async Task<double> ViaS3Async(int count, bool faults)
    {
        await using var s3 = await S3rver.StartAsync();
        await using var proxy = new FaultProxy(s3.Port, seed: 5) { SlowDownRate = faults ? 0.1 : 0, DropBeforeRate = faults ? 0.1 : 0, DropAfterRate = faults ? 0.1 : 0 };
        return await MeasureAsync(
            count,
            new()
            {
                ["AuditGen:S3:Bucket"] = S3rver.Bucket,
                ["AuditGen:S3:ServiceUrl"] = proxy.Url.ToString(),
                ["AuditGen:S3:ForcePathStyle"] = "true",
                ["AuditGen:S3:Region"] = "us-east-1",
                ["AuditGen:S3:AccessKeyId"] = S3rver.AccessKeyId,
                ["AuditGen:S3:SecretAccessKey"] = S3rver.SecretAccessKey,
            },
            static b => b.AddS3Sink());
    }

    private static async Task<double> ViaRsyslogAsync(int count)
    {
        await using var rsyslog = await Rsyslog.StartAsync();
        return await MeasureAsync(
            count,
            new()
            {
                ["AuditGen:Syslog:Host"] = "127.0.0.1",
                ["AuditGen:Syslog:Port"] = rsyslog.RelpPort.ToString(CultureInfo.InvariantCulture),
                ["AuditGen:Syslog:Transport"] = "Relp",
                ["AuditGen:Syslog:TrustedCertificateAuthorityPath"] = rsyslog.AuthorityPath,
                ["AuditGen:Syslog:ClientCertificatePath"] = rsyslog.ClientCertificatePath,
                ["AuditGen:Syslog:ClientCertificateKeyPath"] = rsyslog.ClientKeyPath,
            },
            static b => b.AddSyslogSink());
    }

    /// <summary>Stores <paramref name="count"/> events with no sink, then times the sink from start to an empty backlog.</summary>
    private static async Task<double> MeasureAsync(int count, Dictionary<string, string?> sinkSettings, Action<IAuditGenBuilder> addSink)
    {
        var directory = Directory.CreateTempSubdirectory("auditgen-sinks-").FullName;
        try
        {
            var database = Path.Combine(directory, "audit.db");
            using (var writer = Build(database, [], static _ => { }))
            {
                await writer.StartAsync();
                var events = writer.Services.GetRequiredService<IAuditEventWriter>();
                for (var i = 0; i < count; i++)
                {
                    await events.WriteAsync(Event(i));
                }

                await writer.StopAsync();
            }

            using var host = Build(database, sinkSettings, addSink);
            var log = (IReadableAuditStore)host.Services.GetRequiredService<IAuditStore>();
            var clock = Stopwatch.StartNew();
            await host.StartAsync();
            while ((await log.GetStatisticsAsync(CancellationToken.None)).Sinks.SingleOrDefault() is not { Backlog: 0 })
            {
                await Task.Delay(20);
            }

            var elapsed = clock.Elapsed;
            if ((await log.GetStatisticsAsync(CancellationToken.None)).Sinks.Single().DeadLetters > 0)
            {
                throw new InvalidOperationException("The sink dead-lettered events: the rate would not be a delivery rate.");
            }

            await host.StopAsync();
            return count / elapsed.TotalSeconds;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static IHost Build(string database, Dictionary<string, string?> settings, Action<IAuditGenBuilder> addSink)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditGen:Sqlite:Path"] = database,
            ["AuditGen:QueueCapacity"] = "20000",
            ["AuditGen:DeliveryRetryDelay"] = "00:00:00.050",
            ["AuditGen:DeliveryPollInterval"] = "00:00:00.050",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        addSink(builder.Services.AddAuditGen());
        return builder.Build();
    }

    private static AuditEvent Event(int n) => new()
    {
        OrganizationId = "org_" + (n % 10),
        Action = "user.signed_in",
        Actor = new AuditActor { Type = "user", Id = $"user_{n}" },
        Targets = [new AuditTarget { Type = "user", Id = $"user_{n}" }],
        Context = new AuditContext { Location = "127.0.0.1", UserAgent = "benchmark/1.0" },
        Metadata = new() { ["n"] = n, ["outcome"] = "success" },
    };
}
