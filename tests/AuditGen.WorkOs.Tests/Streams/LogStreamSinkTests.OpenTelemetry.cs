using System.Text.Json.Nodes;
using AuditGen.Events;
using AuditGen.Tests.TestSupport;
using AuditGen.WorkOs.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace AuditGen.WorkOs.Tests.Streams;

/// <summary>The OpenTelemetry sink, through the SDK's OTLP exporter, against the emulator's OTLP/HTTP logs receiver.</summary>
public sealed partial class LogStreamSinkTests
{
    [Fact]
    public async Task OpenTelemetry_receives_each_event_as_a_log_record_with_its_fields_as_attributes_and_the_WorkOS_JSON_as_body()
    {
        await using var emulator = await StartEmulatorAsync();
        using var database = new TempDatabase();
        await using var host = await StartHostAsync(database, emulator, Collector(emulator), static auditGen => auditGen.AddOpenTelemetrySink(), new()
        {
            ["AuditGen:OpenTelemetry:ServiceName"] = "billing",
        });
        var auditEvent = Numbered(7);
        await host.Writer.WriteAsync(auditEvent);

        var stream = await Eventually.GetAsync(() => emulator.StreamAsync("otlp"), static s => (int)s["distinct"]! == 1, "the log record at the collector");
        var record = stream["samples"]!.AsArray().Single()!.AsObject();
        var stored = (await host.Log.ReadAfterAsync(0, 10, default)).Single();
        Assert.Equal("billing", (string?)record["resource"]!["service.name"]);
        Assert.Equal("AuditGen.AuditEvents", (string?)record["scope"]);
        Assert.Equal((ulong)((stored.OccurredAt.UtcTicks - DateTime.UnixEpoch.Ticks) * 100), (ulong)record["time_unix_nano"]!);
        Assert.True((ulong)record["observed_time_unix_nano"]! > (ulong)record["time_unix_nano"]!, "the observed time is when AuditGen exported it");
        Assert.Equal(9, (int)record["severity_number"]!);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored.EventJson.Span), JsonNode.Parse((string)record["body"]!)));
        Assert.Equal("gzip", (string?)record["content_encoding"]);

        var attributes = record["attributes"]!.AsObject();
        Assert.Equal(auditEvent.Id.ToString(), (string?)attributes["audit.event_id"]);
        Assert.Equal("org_123", (string?)attributes["audit.organization_id"]);
        Assert.Equal("user.signed_in", (string?)attributes["audit.action"]);
        Assert.Equal("user_7", (string?)attributes["audit.actor.id"]);
        Assert.Equal("user", (string?)attributes["audit.targets.0.type"]);
        Assert.Equal("user_7", (string?)attributes["audit.targets.0.id"]);
        Assert.Equal("127.0.0.1", (string?)attributes["audit.context.location"]);
        Assert.Equal(7, (long)attributes["audit.metadata.n"]!);
        Assert.Equal("success", (string?)attributes["audit.metadata.outcome"]);
        Assert.Empty(stream["dropped"]!.AsObject());
    }

    [Fact]
    public async Task An_event_with_more_fields_than_the_SDK_keeps_as_attributes_is_whole_in_the_body_and_the_drop_is_counted()
    {
        await using var emulator = await StartEmulatorAsync();
        using var database = new TempDatabase();
        await using var host = await StartHostAsync(database, emulator, Collector(emulator), static auditGen => auditGen.AddOpenTelemetrySink());
        var auditEvent = Numbered(1);
        var actorMetadata = new AuditMetadata();
        var targetMetadata = new AuditMetadata();
        for (var i = 0; i < 48; i++)
        {
            auditEvent.Metadata![$"event_{i}"] = i;
            actorMetadata[$"actor_{i}"] = i;
            targetMetadata[$"target_{i}"] = i;
        }

        await host.Writer.WriteAsync(new AuditEvent
        {
            OccurredAt = auditEvent.OccurredAt,
            OrganizationId = auditEvent.OrganizationId,
            Action = auditEvent.Action,
            Actor = new AuditActor { Type = "user", Id = "user_1", Metadata = actorMetadata },
            Targets = [new AuditTarget { Type = "user", Id = "user_1", Metadata = targetMetadata }],
            Context = auditEvent.Context,
            Metadata = auditEvent.Metadata,
        });

        var stream = await Eventually.GetAsync(() => emulator.StreamAsync("otlp"), static s => (int)s["distinct"]! == 1, "the log record at the collector");
        var record = stream["samples"]!.AsArray().Single()!.AsObject();
        Assert.Equal(128, record["attributes"]!.AsObject().Count);
        Assert.True((long?)record["dropped_attributes_count"] > 0);
        Assert.Equal(1, (int)stream["dropped"]!["attributes_dropped"]!);
        var stored = (await host.Log.ReadAfterAsync(0, 10, default)).Single();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored.EventJson.Span), JsonNode.Parse((string)record["body"]!)));
        Assert.Equal(47, (int)JsonNode.Parse((string)record["body"]!)!["targets"]![0]!["metadata"]!["target_47"]!);
    }

    [Fact]
    public async Task A_refused_OpenTelemetry_token_pauses_the_sink_until_the_collector_accepts_it_and_loses_nothing()
    {
        await using var emulator = await StartEmulatorAsync();
        using var database = new TempDatabase();
        var settings = Collector(emulator);
        settings["AuditGen:OpenTelemetry:Headers:Authorization"] = "Bearer wrong-token-0123456789";
        await using var host = await StartHostAsync(database, emulator, settings, static auditGen => auditGen.AddOpenTelemetrySink());
        await host.Writer.WriteAsync(Numbered(1));

        var report = await Eventually.GetAsync(host.HealthAsync, static r => r.Status == HealthStatus.Unhealthy, "the health check to report the pause");
        Assert.Contains("the OpenTelemetry collector refused the credentials: 401 Unauthorized: missing or unknown bearer token", Unhealthy(report), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-token-0123456789", string.Join('\n', host.Logs.Logs.Select(static l => l.Message)), StringComparison.Ordinal);

        emulator.Options.Streams.OtlpBearerTokens.Add("wrong-token-0123456789");
        await Eventually.GetAsync(() => emulator.StreamAsync("otlp"), static s => (int)s["distinct"]! == 1, "the event once the token is accepted");
        await Eventually.GetAsync(host.HealthAsync, static r => r.Status == HealthStatus.Healthy, "the health check to recover");
    }

    [Fact]
    public async Task Records_a_collector_refuses_in_a_partial_success_are_logged_as_a_warning_and_the_rest_delivered()
    {
        await using var emulator = await StartEmulatorAsync(new() { ["Emulator:Streams:OtlpRejectedActions:0"] = "user.deleted" });
        using var database = new TempDatabase();
        await using var host = await StartHostAsync(database, emulator, Collector(emulator), static auditGen => auditGen.AddOpenTelemetrySink(), new()
        {
            ["AuditGen:OpenTelemetry:MaxBatchSize"] = "10",
        });
        await host.Writer.WriteAsync(Numbered(1, action: "user.deleted"));
        await host.Writer.WriteAsync(Numbered(2));

        var warning = await Eventually.GetAsync(
            () => Task.FromResult(host.Logs.Logs.FirstOrDefault(static l => l.Level == LogLevel.Warning && l.Message.Contains("OpenTelemetry collector", StringComparison.Ordinal))),
            static l => l is not null,
            "the warning about the refused record");
        Assert.Contains("refused 1 of them: 1 log records refused by policy", warning!.Message, StringComparison.Ordinal);
        var stream = await emulator.StreamAsync("otlp");
        Assert.Equal(1, (int)stream["distinct"]!);
        Assert.Empty(await host.Log.GetDeadLettersAsync("opentelemetry", default));
    }

    [Fact]
    public async Task OpenTelemetry_100_000_events_through_30_percent_faults_all_arrive_at_least_once()
    {
        await DeliverThroughFaultsAsync("otlp", Collector, static auditGen => auditGen.AddOpenTelemetrySink(), "AuditGen:OpenTelemetry:MaxBatchSize", 1_000);
    }

    [Theory]
    [InlineData("AuditGen:OpenTelemetry:Endpoint", "http://collector.example.com:4318/v1/logs", "AuditGen:OpenTelemetry:Endpoint must be an https address")]
    [InlineData("AuditGen:OpenTelemetry:ServiceName", " ", "AuditGen:OpenTelemetry:ServiceName must be 1 to 256 characters")]
    [InlineData("AuditGen:OpenTelemetry:Headers:Content-Type", "text/plain", "AuditGen:OpenTelemetry:Headers has 'Content-Type'")]
    [InlineData("AuditGen:OpenTelemetry:MaxBatchSize", "10001", "AuditGen:OpenTelemetry:MaxBatchSize must be between 1 and 10,000")]
    [InlineData("AuditGen:OpenTelemetry:Endpoint", "https://collector.example.com:4318", "AuditGen:OpenTelemetry:Endpoint must include the logs path, such as https://collector.example.com:4318/v1/logs")]
    public async Task OpenTelemetry_options_are_checked_at_start_up(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?> { ["AuditGen:OpenTelemetry:Endpoint"] = "https://collector.example.com:4318/v1/logs", [key] = value };
        await AssertRefusedAtStartAsync(settings, static auditGen => auditGen.AddOpenTelemetrySink(), message);
    }

    private static Dictionary<string, string?> Collector(Emulator emulator) => new()
    {
        ["AuditGen:OpenTelemetry:Endpoint"] = new Uri(emulator.BaseUrl, "v1/logs").ToString(),
        ["AuditGen:OpenTelemetry:Headers:Authorization"] = "Bearer " + CollectorToken,
    };
}
