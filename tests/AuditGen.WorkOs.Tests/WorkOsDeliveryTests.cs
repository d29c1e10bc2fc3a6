using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json.Nodes;
using AuditGen.Events;
using AuditGen.Tests.TestSupport;
using AuditGen.WorkOs.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditGen.WorkOs.Tests;

/// <summary>AuditGen's WorkOS sink against the emulator on 127.0.0.1, with a real SQLite store.</summary>
public sealed class WorkOsDeliveryTests
{
    [Fact]
    public async Task The_request_matches_the_reference_byte_for_byte_with_the_event_id_as_idempotency_key()
    {
        await using var emulator = await Emulator.StartAsync();
        using var database = new TempDatabase();
        var captured = new ConcurrentQueue<CapturedRequest>();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl, configureClient: client => client.AddHttpMessageHandler(() => new CapturingHandler(captured)));
        var auditEvent = new AuditEvent
        {
            OrganizationId = "org_01EHWNCE74X7JSDV0X3SZ3KJNY",
            Action = "user.signed_in",
            OccurredAt = new DateTimeOffset(2022, 9, 2, 16, 35, 39, 317, TimeSpan.Zero),
            Actor = new AuditActor { Type = "user", Id = "user_01GBTCQ2QTQWM7C1ERYHGSE9C4", Name = "Jon Smith", Metadata = new() { ["role"] = "admin" } },
            Targets = [new AuditTarget { Type = "team", Id = "team_01GBTCQ2QTQWM7C1ERYHGSE9C4", Name = "Ops" }],
            Context = new AuditContext { Location = "123.123.123.123", UserAgent = "Chrome/104.0.0.0" },
            Metadata = new() { ["plan"] = "pro", ["seats"] = 5, ["trial"] = false },
        };

        await host.Writer.WriteAsync(auditEvent);
        var request = await Eventually.Get(() => captured.TryPeek(out var first) ? first : null, static r => r is not null, "the create-event request");

        Assert.Equal("POST", request.Method);
        Assert.Equal(new Uri(emulator.BaseUrl, "audit_logs/events"), request.Uri);
        Assert.Equal($"Bearer {Emulator.ApiKey}", request.Authorization);
        Assert.Equal(auditEvent.Id.ToString(), request.IdempotencyKey);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal(
            """{"organization_id":"org_01EHWNCE74X7JSDV0X3SZ3KJNY","event":{"action":"user.signed_in","occurred_at":"2022-09-02T16:35:39.317Z","actor":{"type":"user","id":"user_01GBTCQ2QTQWM7C1ERYHGSE9C4","name":"Jon Smith","metadata":{"role":"admin"}},"targets":[{"type":"team","id":"team_01GBTCQ2QTQWM7C1ERYHGSE9C4","name":"Ops"}],"context":{"location":"123.123.123.123","user_agent":"Chrome/104.0.0.0"},"metadata":{"plan":"pro","seats":5,"trial":false}}}""",
            request.Body);
        var received = Assert.Single(await Eventually.GetAsync(emulator.ReceivedAsync, static r => r.Count > 0, "the emulator to keep the event"));
        Assert.Equal(auditEvent.Id.ToString(), (string?)received["idempotency_key"]);
    }

    [Fact]
    public async Task Ten_thousand_events_through_30_percent_faults_arrive_exactly_once()
    {
        await using var emulator = await Emulator.StartAsync(new Dictionary<string, string?>
        {
            ["Emulator:Faults:StatusRates:500"] = "0.08",
            ["Emulator:Faults:StatusRates:503"] = "0.07",
            ["Emulator:Faults:StatusRates:429"] = "0.07",
            ["Emulator:Faults:DropConnectionRate"] = "0.04",
            ["Emulator:Faults:DropAfterAcceptRate"] = "0.04",
            ["Emulator:Faults:RetryAfterSeconds"] = "0",
            ["Emulator:Faults:Seed"] = "7",
        });
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl, new Dictionary<string, string?>
        {
            ["AuditGen:DeliveryBatchSize"] = "500",
            ["AuditGen:WorkOs:MaxConcurrency"] = "16",
            ["AuditGen:WorkOs:RequestsPerMinute"] = "0",
        });
        using var metrics = new MetricCollector(host.Services.GetRequiredService<IMeterFactory>());

        const int Count = 10_000;
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Count; i++)
        {
            var auditEvent = Numbered(i);
            written.Add(auditEvent.Id.ToString());
            await host.Writer.WriteAsync(auditEvent);
        }

        var received = await Eventually.GetAsync(emulator.ReceivedAsync, static r => r.Count >= Count, "every event at the emulator", seconds: 240);
        await Eventually.GetAsync(async () => (await host.Log.GetStatisticsAsync(default)).Sinks.Single().Backlog, static backlog => backlog == 0, "the cursor to pass every event");

        Assert.Equal(Count, received.Count);
        Assert.Equal(written, received.Select(static r => (string)r["idempotency_key"]!).ToHashSet(StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(0, Count), received.Select(static r => (int)r["event"]!["metadata"]!["n"]!).Order());
        Assert.Empty(await host.Log.GetDeadLettersAsync("workos", default));

        // The faults really happened, and the answers lost with dropped connections were replayed, not re-stored.
        var stats = await emulator.StatsAsync();
        foreach (var fault in new[] { "500", "503", "429", "drop", "drop_after_accept" })
        {
            Assert.True((int)stats["injected"]![fault]! > 50, $"fault {fault} was injected only {stats["injected"]![fault]} times");
        }

        Assert.True((int)stats["replayed"]! >= (int)stats["injected"]!["drop_after_accept"]!);

        // Some events failed every quick retry and went back to the delivery loop; each was counted delivered once.
        Assert.True(metrics.Total("auditgen.delivery.retries") > 0);
        Assert.Equal(Count, metrics.Total("auditgen.events.delivered"));
    }

    [Fact]
    public async Task A_host_stopped_mid_delivery_resumes_from_the_stored_cursor_and_WorkOS_keeps_each_event_once()
    {
        await using var emulator = await Emulator.StartAsync(new Dictionary<string, string?> { ["Emulator:Faults:LatencyMilliseconds"] = "5" });
        using var database = new TempDatabase();
        const int Count = 2_000;
        var settings = new Dictionary<string, string?> { ["AuditGen:WorkOs:MaxConcurrency"] = "4", ["AuditGen:WorkOs:RequestsPerMinute"] = "0" };

        var written = new HashSet<string>(StringComparer.Ordinal);
        await using (var first = await AuditHost.StartAsync(database.Path, emulator.BaseUrl, settings))
        {
            for (var i = 0; i < Count; i++)
            {
                var auditEvent = Numbered(i);
                written.Add(auditEvent.Id.ToString());
                await first.Writer.WriteAsync(auditEvent);
            }

            await Eventually.GetAsync(emulator.ReceivedAsync, static r => r.Count >= 200, "delivery to be under way");
            await first.StopAsync();
        }

        var beforeRestart = (await emulator.ReceivedAsync()).Count;
        Assert.InRange(beforeRestart, 200, Count - 1);

        await using var second = await AuditHost.StartAsync(database.Path, emulator.BaseUrl, settings);
        var received = await Eventually.GetAsync(emulator.ReceivedAsync, static r => r.Count >= Count, "delivery to finish after the restart", seconds: 120);
        await Eventually.GetAsync(async () => (await second.Log.GetStatisticsAsync(default)).Sinks.Single().Backlog, static backlog => backlog == 0, "the cursor to pass every event");

        Assert.Equal(Count, received.Count);
        Assert.Equal(written, received.Select(static r => (string)r["idempotency_key"]!).ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_400_is_dead_lettered_with_WorkOS_message_and_stays_one_when_redriven_while_WorkOS_still_refuses()
    {
        await using var emulator = await Emulator.StartAsync();
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl);
        using var metrics = new MetricCollector(host.Services.GetRequiredService<IMeterFactory>());
        var schema = await emulator.Http.PostAsync("audit_logs/actions/user.signed_in/schemas", new StringContent("""{"targets":[{"type":"team"}]}""", Encoding.UTF8, "application/json"));
        schema.EnsureSuccessStatusCode();

        var refused = Numbered(1);
        await host.Writer.WriteAsync(refused);
        await host.Writer.WriteAsync(Numbered(2, targetType: "team"));

        var deadLetter = Assert.Single(await Eventually.GetAsync(() => host.Log.GetDeadLettersAsync("workos", default).AsTask(), static d => d.Count > 0, "the dead letter"));
        Assert.Equal(1, deadLetter.Sequence);
        Assert.StartsWith("400 Bad Request: Invalid Audit Log event.", deadLetter.Reason, StringComparison.Ordinal);
        Assert.Contains("\"instancePath\":\"/targets/0/type\"", deadLetter.Reason, StringComparison.Ordinal);
        var received = await Eventually.GetAsync(emulator.ReceivedAsync, static r => r.Count > 0, "the valid event to pass the dead letter");
        Assert.Equal(2, (int)Assert.Single(received)["event"]!["metadata"]!["n"]!);

        // Re-driven while WorkOS still refuses it: it stays a dead letter, with the request answered.
        Assert.Equal(1, await host.Log.RequestRedriveAsync("workos", null, default));
        var again = Assert.Single(await Eventually.GetAsync(
            () => host.Log.GetDeadLettersAsync("workos", default).AsTask(),
            d => d.Count == 1 && d[0].RedriveRequestedAt is null && d[0].DeadLetteredAt > deadLetter.DeadLetteredAt,
            "the re-drive to be refused again"));
        Assert.Equal(deadLetter.Reason, again.Reason);
        Assert.Single(await emulator.ReceivedAsync());
        Assert.Equal(2, metrics.Total("auditgen.events.dead_lettered"));
    }

    [Fact]
    public async Task A_404_for_an_unknown_organization_is_dead_lettered_and_a_redrive_after_the_fix_delivers_it()
    {
        await using var emulator = await Emulator.StartAsync(new Dictionary<string, string?> { ["Emulator:Organizations:0"] = "org_known" });
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl);

        var auditEvent = Numbered(1, organizationId: "org_new");
        await host.Writer.WriteAsync(auditEvent);
        var deadLetter = Assert.Single(await Eventually.GetAsync(() => host.Log.GetDeadLettersAsync("workos", default).AsTask(), static d => d.Count > 0, "the dead letter"));
        Assert.Equal("404 Not Found: Organization not found: 'org_new'. {\"message\":\"Organization not found: 'org_new'.\"}", deadLetter.Reason);

        emulator.Options.Organizations.Add("org_new");
        Assert.Equal(1, await host.Log.RequestRedriveAsync("workos", 1, default));

        // WorkOS remembers its 404 under the event id for 24 hours, so the re-drive goes under a key of its own.
        var received = Assert.Single(await Eventually.GetAsync(emulator.ReceivedAsync, static r => r.Count > 0, "the re-driven event"));
        Assert.StartsWith($"{auditEvent.Id}.redrive-", (string?)received["idempotency_key"], StringComparison.Ordinal);
        await Eventually.GetAsync(() => host.Log.GetDeadLettersAsync("workos", default).AsTask(), static d => d.Count == 0, "the dead letter to be cleared");
    }

    [Fact]
    public async Task A_401_pauses_delivery_the_health_check_says_so_and_a_fixed_key_resumes_without_the_key_in_any_log()
    {
        const string WrongKey = "sk_test_wrong_0123456789";
        await using var emulator = await Emulator.StartAsync();
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl, new Dictionary<string, string?> { ["AuditGen:WorkOs:ApiKey"] = WrongKey });
        using var metrics = new MetricCollector(host.Services.GetRequiredService<IMeterFactory>());

        await host.Writer.WriteAsync(Numbered(1));
        var paused = await Eventually.GetAsync(host.HealthAsync, static report => report.Status == HealthStatus.Unhealthy, "the health check to report the pause");
        var entry = paused.Entries["auditgen"];
        Assert.Contains("paused", entry.Description, StringComparison.Ordinal);
        Assert.Equal(true, entry.Data["workos.paused"]);
        Assert.Contains("401", (string)entry.Data["workos.pause_reason"], StringComparison.Ordinal);
        Assert.Equal(1L, entry.Data["workos.backlog"]);
        Assert.Empty(await emulator.ReceivedAsync());
        Assert.True(metrics.Total("auditgen.delivery.paused") > 0);
        Assert.Contains(metrics.Recorded("auditgen.delivery.duration"), attempt => attempt.Tags["auditgen.sink"] == "workos" && attempt.Tags["auditgen.outcome"] == "paused");

        host.Configuration["AuditGen:WorkOs:ApiKey"] = Emulator.ApiKey;
        host.Configuration.Reload();

        Assert.Single(await Eventually.GetAsync(emulator.ReceivedAsync, static r => r.Count > 0, "delivery to resume with the fixed key"));
        var healthy = await Eventually.GetAsync(host.HealthAsync, static report => report.Status == HealthStatus.Healthy, "the health check to recover");
        Assert.Equal(false, healthy.Entries["auditgen"].Data["workos.paused"]);

        // Trace-level logs include HttpClient's own request logging: neither key appears anywhere.
        Assert.Contains(host.Logs.Logs, static log => log.Category.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
        foreach (var log in host.Logs.Logs)
        {
            var text = log.Message + log.Exception;
            Assert.DoesNotContain(WrongKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Emulator.ApiKey, text, StringComparison.Ordinal);
        }

        await host.StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(database.Path)!))
        {
            var bytes = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            Assert.DoesNotContain(WrongKey, bytes, StringComparison.Ordinal);
            Assert.DoesNotContain(Emulator.ApiKey, bytes, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_client_side_rate_limit_spaces_requests_whatever_the_concurrency()
    {
        await using var emulator = await Emulator.StartAsync();
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl, new Dictionary<string, string?>
        {
            ["AuditGen:WorkOs:RequestsPerMinute"] = "120",
            ["AuditGen:WorkOs:MaxConcurrency"] = "16",
        });

        for (var i = 0; i < 6; i++)
        {
            await host.Writer.WriteAsync(Numbered(i));
        }

        var received = await Eventually.GetAsync(emulator.ReceivedAsync, static r => r.Count == 6, "all six events");

        // 120 a minute is 2 a second: six requests need at least two refills of the bucket after the first two.
        var times = received.Select(static r => DateTimeOffset.Parse((string)r["received_at"]!, System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        Assert.True(times[^1] - times[0] >= TimeSpan.FromSeconds(1.9), $"six requests took only {times[^1] - times[0]}");
    }

    [Fact]
    public async Task Events_the_pipeline_marked_rejected_are_dead_lettered_without_a_request()
    {
        await using var emulator = await Emulator.StartAsync();
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl);

        await host.Writer.WriteAsync(Numbered(1, organizationId: ""));

        var deadLetter = Assert.Single(await Eventually.GetAsync(() => host.Log.GetDeadLettersAsync("workos", default).AsTask(), static d => d.Count > 0, "the dead letter"));
        Assert.StartsWith("Not sent: WorkOS would refuse this event (", deadLetter.Reason, StringComparison.Ordinal);
        Assert.Equal(0, (int)(await emulator.StatsAsync())["accepted"]!);
        Assert.Empty(((JsonObject)(await emulator.StatsAsync())["refused"]!));
    }

    [Fact]
    public async Task Configured_schema_versions_are_sent_with_their_actions_events()
    {
        await using var emulator = await Emulator.StartAsync();
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl, new Dictionary<string, string?> { ["AuditGen:SchemaVersions:user.signed_in"] = "2" });
        for (var version = 1; version <= 2; version++)
        {
            var schema = await emulator.Http.PostAsync("audit_logs/actions/user.signed_in/schemas", new StringContent("""{"targets":[{"type":"user"}]}""", Encoding.UTF8, "application/json"));
            schema.EnsureSuccessStatusCode();
        }

        await host.Writer.WriteAsync(Numbered(1));
        await host.Writer.WriteAsync(Numbered(2, action: "user.signed_out"));

        var received = await Eventually.GetAsync(emulator.ReceivedAsync, static r => r.Count == 2, "both events");
        Assert.Equal(2, (int)received.Single(static r => (string?)r["event"]!["action"] == "user.signed_in")["event"]!["version"]!);
        Assert.Null(received.Single(static r => (string?)r["event"]!["action"] == "user.signed_out")["event"]!["version"]);
    }

    private static AuditEvent Numbered(int n, string organizationId = "org_123", string targetType = "user", string action = "user.signed_in") => new()
    {
        OrganizationId = organizationId,
        Action = action,
        Actor = new AuditActor { Type = "user", Id = $"user_{n}" },
        Targets = [new AuditTarget { Type = targetType, Id = $"{targetType}_{n}" }],
        Context = new AuditContext { Location = "127.0.0.1" },
        Metadata = new() { ["n"] = n },
    };

    private sealed record CapturedRequest(string Method, Uri? Uri, string? Authorization, string? IdempotencyKey, string? ContentType, string Body);

    private sealed class CapturingHandler(ConcurrentQueue<CapturedRequest> captured) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            captured.Enqueue(new CapturedRequest(
                request.Method.Method,
                request.RequestUri,
                request.Headers.Authorization?.ToString(),
                request.Headers.TryGetValues("Idempotency-Key", out var keys) ? keys.Single() : null,
                request.Content?.Headers.ContentType?.ToString(),
                await request.Content!.ReadAsStringAsync(cancellationToken)));
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
