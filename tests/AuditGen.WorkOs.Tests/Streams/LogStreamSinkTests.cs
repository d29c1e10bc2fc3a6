using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using AuditGen.Events;
using AuditGen.Pipeline;
using AuditGen.Tests.TestSupport;
using AuditGen.WorkOs.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditGen.WorkOs.Tests.Streams;

/// <summary>
/// The Datadog, Splunk, HTTPS and OpenTelemetry sinks against the emulator's receivers on 127.0.0.1, which enforce each destination's
/// documented contract, with a real SQLite store. Counts are proved from the receiver's side.
/// </summary>
public sealed partial class LogStreamSinkTests
{
    private const string DatadogKey = "dd_api_key_0123456789abcdef";
    private const string SplunkToken = "11111111-2222-3333-4444-555555555555";
    private const string WebhookSecret = "webhook-secret-0123456789-abcdefghij";
    private const string CollectorToken = "otlp-token-0123456789";

    [Fact]
    public async Task Datadog_receives_each_event_as_a_log_with_its_fields_and_the_stored_WorkOS_JSON()
    {
        await using var emulator = await StartEmulatorAsync();
        using var database = new TempDatabase();
        await using var host = await StartHostAsync(database, emulator, Datadog(emulator), static auditGen => auditGen.AddDatadogSink(), new()
        {
            ["AuditGen:Datadog:Service"] = "billing",
            ["AuditGen:Datadog:Hostname"] = "web-1",
            ["AuditGen:Datadog:Tags:0"] = "env:test",
            ["AuditGen:Datadog:Tags:1"] = "team:audit",
        });
        var auditEvent = Numbered(7);
        await host.Writer.WriteAsync(auditEvent);

        var stream = await Eventually.GetAsync(() => emulator.StreamAsync("datadog"), static s => (int)s["distinct"]! == 1, "the log at Datadog");
        var log = stream["samples"]!.AsArray().Single()!.AsObject();
        Assert.Equal("auditgen", (string?)log["ddsource"]);
        Assert.Equal("billing", (string?)log["service"]);
        Assert.Equal("web-1", (string?)log["hostname"]);
        Assert.Equal("env:test,team:audit", (string?)log["ddtags"]);
        Assert.Equal("user.signed_in", (string?)log["message"]);
        Assert.Equal(auditEvent.OccurredAt.ToUnixTimeMilliseconds(), (long)log["timestamp"]!);
        Assert.Equal(auditEvent.Id.ToString(), (string?)log["event_id"]);
        Assert.Equal("org_123", (string?)log["organization_id"]);
        var stored = (await host.Log.ReadAfterAsync(0, 10, default)).Single();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored.EventJson.Span), log["audit_event"]));
    }

    [Fact]
    public async Task Datadog_events_older_than_18_hours_are_dead_lettered_with_the_reason_and_never_sent()
    {
        await using var emulator = await StartEmulatorAsync();
        using var database = new TempDatabase();
        await using var host = await StartHostAsync(database, emulator, Datadog(emulator), static auditGen => auditGen.AddDatadogSink());
        using var metrics = new MetricCollector(host.Services.GetRequiredService<IMeterFactory>());
        var old = Numbered(1, occurredAt: DateTimeOffset.UtcNow.AddHours(-19));
        var recent = Numbered(2);
        await host.Writer.WriteAsync(old);
        await host.Writer.WriteAsync(recent);

        var deadLetter = Assert.Single(await Eventually.GetAsync(async () => await host.Log.GetDeadLettersAsync("datadog", default), static d => d.Count == 1, "the old event's dead letter"));
        Assert.Contains("at most 18 hours old", deadLetter.Reason, StringComparison.Ordinal);
        var stream = await Eventually.GetAsync(() => emulator.StreamAsync("datadog", ids: true), static s => (int)s["distinct"]! == 1, "the recent event at Datadog");
        Assert.Equal([recent.Id.ToString()], stream["ids"]!.AsArray().Select(static id => (string)id!));
        Assert.Empty(stream["dropped"]!.AsObject());
        Assert.Equal(1, metrics.Total("auditgen.events.dead_lettered"));
    }

    [Fact]
    public async Task A_refused_Datadog_key_pauses_the_sink_until_the_key_is_accepted_and_loses_nothing()
    {
        await using var emulator = await StartEmulatorAsync();
        emulator.Options.Streams.DatadogApiKeys.Clear();
        using var database = new TempDatabase();
        await using var host = await StartHostAsync(database, emulator, Datadog(emulator), static auditGen => auditGen.AddDatadogSink());
        await host.Writer.WriteAsync(Numbered(1));

        var report = await Eventually.GetAsync(host.HealthAsync, static r => r.Status == HealthStatus.Unhealthy, "the health check to report the pause");
        Assert.Contains("Datadog refused the credentials: 403", Unhealthy(report), StringComparison.Ordinal);
        Assert.DoesNotContain(DatadogKey, string.Join('\n', host.Logs.Logs.Select(static l => l.Message)), StringComparison.Ordinal);

        emulator.Options.Streams.DatadogApiKeys.Add(DatadogKey);
        await Eventually.GetAsync(() => emulator.StreamAsync("datadog"), static s => (int)s["distinct"]! == 1, "the event after the key is accepted");
        await Eventually.GetAsync(host.HealthAsync, static r => r.Status == HealthStatus.Healthy, "the health check to recover");
    }

    [Fact]
    public async Task Datadog_100_000_events_through_30_percent_faults_all_arrive_at_least_once()
    {
        await DeliverThroughFaultsAsync("datadog", emulator => Datadog(emulator), static auditGen => auditGen.AddDatadogSink(), "AuditGen:Datadog:MaxBatchSize", 1_000);
    }

    [Fact]
    public async Task Splunk_receives_event_objects_with_time_source_sourcetype_index_and_the_event_id_in_fields()
    {
        await using var emulator = await StartEmulatorAsync();
        using var database = new TempDatabase();
        await using var host = await StartHostAsync(database, emulator, Splunk(emulator, acknowledged: false), static auditGen => auditGen.AddSplunkSink(), new()
        {
            ["AuditGen:Splunk:Index"] = "audit",
            ["AuditGen:Splunk:Host"] = "web-1",
        });
        var auditEvent = Numbered(3, occurredAt: new DateTimeOffset(2026, 11, 27, 10, 0, 0, 125, TimeSpan.Zero));
        await host.Writer.WriteAsync(auditEvent);

        var stream = await Eventually.GetAsync(() => emulator.StreamAsync("splunk"), static s => (int)s["distinct"]! == 1, "the event at Splunk");
        var item = stream["samples"]!.AsArray().Single()!.AsObject();
        Assert.Equal(1_795_773_600.125m, (decimal)item["time"]!);
        Assert.Equal("web-1", (string?)item["host"]);
        Assert.Equal("auditgen", (string?)item["source"]);
        Assert.Equal("auditgen:workos", (string?)item["sourcetype"]);
        Assert.Equal("audit", (string?)item["index"]);
        Assert.Equal(auditEvent.Id.ToString(), (string?)item["fields"]!["event_id"]);
        Assert.Equal("user.signed_in", (string?)item["event"]!["action"]);
    }

    [Fact]
    public async Task With_indexer_acknowledgment_a_batch_Splunk_lost_before_indexing_is_sent_again()
    {
        await using var emulator = await StartEmulatorAsync(new()
        {
            ["Emulator:Streams:SplunkIndexingLossRate"] = "0.3",
        });
        using var database = new TempDatabase();
        await using var host = await StartHostAsync(database, emulator, Splunk(emulator, acknowledged: true), static auditGen => auditGen.AddSplunkSink(), new()
        {
            ["AuditGen:Splunk:MaxBatchSize"] = "50",
            ["AuditGen:Splunk:AcknowledgmentTimeout"] = "00:00:00.500",
        });
        var written = await WriteAsync(host, 1_000);

        var stream = await Eventually.GetAsync(() => emulator.StreamAsync("splunk", ids: true), static s => (int)s["distinct"]! == 1_000, "every event indexed at Splunk", seconds: 120);
        Assert.Equal(written, stream["ids"]!.AsArray().Select(static id => (string)id!).ToHashSet(StringComparer.Ordinal));
        Assert.Contains(host.Logs.Logs, static l => l.Message.Contains("did not acknowledge batch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Splunk_100_000_events_through_30_percent_faults_all_arrive_at_least_once()
    {
        await DeliverThroughFaultsAsync("splunk", emulator => Splunk(emulator, acknowledged: true), static auditGen => auditGen.AddSplunkSink(), "AuditGen:Splunk:MaxBatchSize", 1_000);
    }

    [Fact]
    public async Task A_refused_Splunk_token_pauses_the_sink_with_HEC_s_code()
    {
        await using var emulator = await StartEmulatorAsync();
        using var database = new TempDatabase();
        var settings = Splunk(emulator, acknowledged: false);
        settings["AuditGen:Splunk:Token"] = "not-a-known-token-0000";
        await using var host = await StartHostAsync(database, emulator, settings, static auditGen => auditGen.AddSplunkSink());
        await host.Writer.WriteAsync(Numbered(1));

        var report = await Eventually.GetAsync(host.HealthAsync, static r => r.Status == HealthStatus.Unhealthy, "the health check to report the pause");
        Assert.Contains("Invalid token", Unhealthy(report), StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-known-token-0000", string.Join('\n', host.Logs.Logs.Select(static l => l.Message + l.Exception)), StringComparison.Ordinal);
        Assert.Equal(1, (await host.Log.GetStatisticsAsync(default)).Sinks.Single().Backlog);
    }

    [Fact]
    public async Task The_HTTPS_sink_signs_JSON_Lines_that_the_receiver_verifies_and_a_wrong_secret_pauses_it()
    {
        await using var emulator = await StartEmulatorAsync();
        using var database = new TempDatabase();
        var settings = Webhook(emulator);
        settings["AuditGen:Https:Format"] = "JsonLines";
        settings["AuditGen:Https:Headers:Authorization"] = "Bearer receiver-token-123456";
        await using (var host = await StartHostAsync(database, emulator, settings, static auditGen => auditGen.AddHttpsSink()))
        {
            var written = await WriteAsync(host, 20);
            var stream = await Eventually.GetAsync(() => emulator.StreamAsync("webhook:siem", ids: true), static s => (int)s["distinct"]! == 20, "the signed events at the receiver");
            Assert.Equal(written, stream["ids"]!.AsArray().Select(static id => (string)id!).ToHashSet(StringComparer.Ordinal));
            var item = stream["samples"]!.AsArray()[0]!.AsObject();
            Assert.Equal("org_123", (string?)item["organization_id"]);
            Assert.Equal("user.signed_in", (string?)item["event"]!["action"]);
        }

        using var second = new TempDatabase();
        settings["AuditGen:Https:SigningSecret"] = "another-secret-0123456789-abcdefghij";
        await using var wrong = await StartHostAsync(second, emulator, settings, static auditGen => auditGen.AddHttpsSink());
        await wrong.Writer.WriteAsync(Numbered(99));
        var report = await Eventually.GetAsync(wrong.HealthAsync, static r => r.Status == HealthStatus.Unhealthy, "the health check to report the refused signature");
        Assert.Contains("401", Unhealthy(report), StringComparison.Ordinal);
        var logged = string.Join('\n', wrong.Logs.Logs.Select(static l => l.Message + l.Exception));
        Assert.DoesNotContain("another-secret", logged, StringComparison.Ordinal);
        Assert.DoesNotContain("receiver-token-123456", logged, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HTTPS_100_000_events_through_30_percent_faults_all_arrive_at_least_once()
    {
        await DeliverThroughFaultsAsync("webhook:siem", Webhook, static auditGen => auditGen.AddHttpsSink(), "AuditGen:Https:MaxBatchSize", 1_000);
    }

    [Fact]
    public async Task A_filter_sends_only_the_chosen_organizations_actions_and_failures_and_the_cursor_passes_the_rest()
    {
        await using var emulator = await StartEmulatorAsync();
        using var database = new TempDatabase();
        var settings = Webhook(emulator);
        settings["AuditGen:Https:Filter:Organizations:0"] = "org_a";
        settings["AuditGen:Https:Filter:Actions:0"] = "user.*";
        settings["AuditGen:Https:Filter:FailuresOnly"] = "true";
        await using var host = await StartHostAsync(database, emulator, settings, static auditGen => auditGen.AddHttpsSink());

        var wanted = Numbered(1, "org_a", "user.signed_in", "failure");
        // Committed before the backlog is read, so that an empty backlog means the cursor passed all five.
        await host.Writer.WriteCommittedAsync(wanted);
        await host.Writer.WriteCommittedAsync(Numbered(2, "org_a", "user.signed_in", "success"));
        await host.Writer.WriteCommittedAsync(Numbered(3, "org_b", "user.signed_in", "failure"));
        await host.Writer.WriteCommittedAsync(Numbered(4, "org_a", "team.created", "failure"));
        await host.Writer.WriteCommittedAsync(Numbered(5, "org_a", "user.deleted", "failure"));

        await Eventually.GetAsync(async () => (await host.Log.GetStatisticsAsync(default)).Sinks.Single().Backlog, static backlog => backlog == 0, "the cursor to pass every event");
        var stream = await emulator.StreamAsync("webhook:siem", ids: true);
        Assert.Equal(2, (int)stream["distinct"]!);
        Assert.Contains(wanted.Id.ToString(), stream["ids"]!.AsArray().Select(static id => (string)id!));
    }

    [Theory]
    [InlineData(302, AuditDeliveryOutcome.Paused)]
    [InlineData(401, AuditDeliveryOutcome.Paused)]
    [InlineData(413, AuditDeliveryOutcome.DeadLettered)]
    [InlineData(425, AuditDeliveryOutcome.RetryLater)]
    [InlineData(503, AuditDeliveryOutcome.RetryLater)]
    [InlineData(202, AuditDeliveryOutcome.Delivered)]
    public void Every_HTTP_sink_reads_an_answer_by_the_same_rules(int status, AuditDeliveryOutcome outcome)
    {
        var answer = new AuditGen.Sinks.Http.HttpAnswer((System.Net.HttpStatusCode)status, "", null, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(outcome, AuditGen.Sinks.Http.HttpDelivery.Settle(answer, "the destination", new AuditGen.Sinks.Https.HttpsSinkOptions()).Outcome);
    }

    [Fact]
    public void The_stream_sinks_HTTP_clients_do_not_follow_redirects()
    {
        var services = new ServiceCollection();
        services.AddAuditGen().AddDatadogSink().AddSplunkSink().AddHttpsSink();
        using var provider = services.BuildServiceProvider();
        var handlers = provider.GetRequiredService<IHttpMessageHandlerFactory>();
        foreach (var client in new[] { "AuditGen.Datadog", "AuditGen.Splunk", "AuditGen.Https" })
        {
            var handler = handlers.CreateHandler(client);
            while (handler is DelegatingHandler delegating)
            {
                handler = delegating.InnerHandler!;
            }

            Assert.False(Assert.IsType<SocketsHttpHandler>(handler).AllowAutoRedirect, client);
        }
    }

    [Theory]
    [InlineData("AuditGen:Datadog:ApiKey", "", "AuditGen:Datadog:ApiKey is not set")]
    [InlineData("AuditGen:Datadog:Site", "datadog.example.com", "AuditGen:Datadog:Site must be one of")]
    [InlineData("AuditGen:Datadog:MaxBatchSize", "1001", "AuditGen:Datadog:MaxBatchSize must be between 1 and 1,000")]
    [InlineData("AuditGen:Datadog:Filter:Actions:0", "user.*.x", "AuditGen:Datadog:Filter:Actions has 'user.*.x'")]
    public async Task Datadog_options_are_checked_at_start_up(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["AuditGen:Datadog:ApiKey"] = DatadogKey, [key] = value };
        await AssertRefusedAtStartAsync(settings, static auditGen => auditGen.AddDatadogSink(), message);
    }

    [Fact]
    public async Task Datadog_tags_and_names_that_would_not_fit_beside_the_event_are_refused_at_start_up()
    {
        var settings = new Dictionary<string, string?> { ["AuditGen:Datadog:ApiKey"] = DatadogKey, ["AuditGen:Datadog:Tags:0"] = "env:" + new string('x', 600) };
        await AssertRefusedAtStartAsync(settings, static auditGen => auditGen.AddDatadogSink(), "and with AuditGen:Datadog:Tags at most 600 in all (was 621)");
    }

    [Theory]
    [InlineData("AuditGen:Https:Url", "http://siem.example.com/ingest", "AuditGen:Https:Url must be an https address")]
    [InlineData("AuditGen:Https:SigningSecret", "short", "AuditGen:Https:SigningSecret must be at least 32 characters")]
    [InlineData("AuditGen:Https:Headers:Content-Type", "text/plain", "AuditGen:Https:Headers has 'Content-Type'")]
    public async Task HTTPS_options_are_checked_at_start_up(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["AuditGen:Https:Url"] = "https://siem.example.com/ingest", [key] = value };
        await AssertRefusedAtStartAsync(settings, static auditGen => auditGen.AddHttpsSink(), message);
    }

    [Fact]
    public async Task Splunk_options_are_checked_at_start_up()
    {
        await AssertRefusedAtStartAsync(new() { ["AuditGen:Splunk:Url"] = "https://splunk.example.com:8088" }, static auditGen => auditGen.AddSplunkSink(), "AuditGen:Splunk:Token is not set");
    }

    private static async Task DeliverThroughFaultsAsync(string receiver, Func<Emulator, Dictionary<string, string?>> sinkSettings, Action<IAuditGenBuilder> addSink, string batchSizeKey, int batchSize)
    {
        await using var emulator = await StartEmulatorAsync(new()
        {
            ["Emulator:Faults:StatusRates:500"] = "0.06",
            ["Emulator:Faults:StatusRates:503"] = "0.06",
            ["Emulator:Faults:StatusRates:429"] = "0.06",
            ["Emulator:Faults:DropConnectionRate"] = "0.06",
            ["Emulator:Faults:DropAfterAcceptRate"] = "0.06",
            ["Emulator:Faults:RetryAfterSeconds"] = "0",
            ["Emulator:Faults:LatencyMilliseconds"] = "2",
            ["Emulator:Faults:Seed"] = "11",
        });
        using var database = new TempDatabase();
        var settings = sinkSettings(emulator);
        settings[batchSizeKey] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["AuditGen:QueueCapacity"] = "20000";
        await using var host = await StartHostAsync(database, emulator, settings, addSink);
        using var metrics = new MetricCollector(host.Services.GetRequiredService<IMeterFactory>());

        const int Count = 100_000;
        var written = await WriteAsync(host, Count);

        var stream = await Eventually.GetAsync(() => emulator.StreamAsync(receiver), static s => (int)s["distinct"]! >= Count, "every event at the receiver", seconds: 300);
        stream = await emulator.StreamAsync(receiver, ids: true);
        Assert.Equal(written, stream["ids"]!.AsArray().Select(static id => (string)id!).ToHashSet(StringComparer.Ordinal));
        Assert.Empty(await host.Log.GetDeadLettersAsync(Name(receiver), default));

        // The faults happened; answers lost after acceptance made duplicates, which at-least-once allows.
        var injected = (await emulator.StatsAsync())["injected"]!.AsObject();
        foreach (var fault in new[] { "500", "503", "429", "drop", "drop_after_accept" })
        {
            Assert.True((int?)injected[fault] > 0, $"fault {fault} was never injected");
        }

        Assert.True((long)stream["duplicates"]! > 0);
        Assert.Equal(Count, metrics.Total("auditgen.events.delivered"));
    }

    private static string Unhealthy(HealthReport report) =>
        string.Join('\n', report.Entries.Values.Where(static entry => entry.Status == HealthStatus.Unhealthy).Select(static entry => entry.Description));

    private static string Name(string receiver) => receiver switch
    {
        _ when receiver.StartsWith("webhook:", StringComparison.Ordinal) => "https",
        "otlp" => "opentelemetry",
        _ => receiver,
    };

    private static async Task AssertRefusedAtStartAsync(Dictionary<string, string?> settings, Action<IAuditGenBuilder> addSink, string message)
    {
        using var database = new TempDatabase();
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => AuditHost.StartAsync(database.Path, new Uri("http://127.0.0.1:9/"), settings, addSinks: addSink));
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    private static async Task<HashSet<string>> WriteAsync(AuditHost host, int count)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var auditEvent = Numbered(i);
            written.Add(auditEvent.Id.ToString());
            await host.Writer.WriteAsync(auditEvent);
        }

        return written;
    }

    private static Task<Emulator> StartEmulatorAsync(Dictionary<string, string?>? settings = null)
    {
        settings ??= [];
        settings["Emulator:Streams:DatadogApiKeys:0"] = DatadogKey;
        settings["Emulator:Streams:SplunkTokens:0"] = SplunkToken;
        settings["Emulator:Streams:SplunkAckTokens:0"] = SplunkToken + "-ack";
        settings["Emulator:Streams:WebhookSecret"] = WebhookSecret;
        settings["Emulator:Streams:OtlpBearerTokens:0"] = CollectorToken;
        return Emulator.StartAsync(settings);
    }

    private static Task<AuditHost> StartHostAsync(TempDatabase database, Emulator emulator, Dictionary<string, string?> sinkSettings, Action<IAuditGenBuilder> addSink, Dictionary<string, string?>? more = null)
    {
        foreach (var (key, value) in more ?? [])
        {
            sinkSettings[key] = value;
        }

        sinkSettings["AuditGen:Datadog:PausedRetryInterval"] = "00:00:00.100";
        sinkSettings["AuditGen:Splunk:PausedRetryInterval"] = "00:00:00.100";
        sinkSettings["AuditGen:Splunk:AcknowledgmentPollInterval"] = "00:00:00.020";
        sinkSettings["AuditGen:Https:PausedRetryInterval"] = "00:00:00.100";
        sinkSettings["AuditGen:OpenTelemetry:PausedRetryInterval"] = "00:00:00.100";
        return AuditHost.StartAsync(database.Path, emulator.BaseUrl, sinkSettings, addSinks: addSink);
    }

    private static Dictionary<string, string?> Datadog(Emulator emulator) => new()
    {
        ["AuditGen:Datadog:BaseUrl"] = emulator.BaseUrl.ToString(),
        ["AuditGen:Datadog:ApiKey"] = DatadogKey,
    };

    private static Dictionary<string, string?> Splunk(Emulator emulator, bool acknowledged) => new()
    {
        ["AuditGen:Splunk:Url"] = emulator.BaseUrl.ToString(),
        ["AuditGen:Splunk:Token"] = acknowledged ? SplunkToken + "-ack" : SplunkToken,
        ["AuditGen:Splunk:UseIndexerAcknowledgment"] = acknowledged ? "true" : "false",
    };

    private static Dictionary<string, string?> Webhook(Emulator emulator) => new()
    {
        ["AuditGen:Https:Url"] = new Uri(emulator.BaseUrl, "webhooks/siem").ToString(),
        ["AuditGen:Https:SigningSecret"] = WebhookSecret,
    };

    private static AuditEvent Numbered(int n, string organizationId = "org_123", string action = "user.signed_in", string outcome = "success", DateTimeOffset? occurredAt = null) => new()
    {
        OccurredAt = occurredAt ?? DateTimeOffset.UtcNow,
        OrganizationId = organizationId,
        Action = action,
        Actor = new AuditActor { Type = "user", Id = $"user_{n}" },
        Targets = [new AuditTarget { Type = "user", Id = $"user_{n}" }],
        Context = new AuditContext { Location = "127.0.0.1" },
        Metadata = new() { ["n"] = n, ["outcome"] = outcome },
    };
}
