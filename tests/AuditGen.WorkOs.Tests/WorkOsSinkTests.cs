using AuditGen.Sinks.Http;
using System.Net;
using AuditGen.Events.Json;
using AuditGen.Pipeline;
using AuditGen.Sinks.WorkOs;
using AuditGen.WorkOs.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AuditGen.WorkOs.Tests;

/// <summary>What the sink makes of each kind of WorkOS answer, and its configuration checks.</summary>
public sealed class WorkOsSinkTests
{
    [Theory]
    [InlineData("429", 7, 60, 7)]
    [InlineData("503", 120, 60, 60)]
    [InlineData("408", 3, 60, null)] // sent without Retry-After: the delivery loop applies its own delay
    public async Task A_transient_answer_left_after_the_quick_retries_goes_back_to_the_loop_with_its_Retry_After(string status, int retryAfter, int cap, int? expected)
    {
        var (result, _) = await DeliverOnceAsync(
            new()
            {
                [$"Emulator:Faults:StatusRates:{status}"] = "1",
                ["Emulator:Faults:RetryAfterSeconds"] = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            new()
            {
                ["AuditGen:WorkOs:MaxRetryAttempts"] = "0",
                ["AuditGen:WorkOs:MaxRetryAfter"] = TimeSpan.FromSeconds(cap).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            });

        Assert.Equal(AuditDeliveryOutcome.RetryLater, result.Outcome);
        Assert.Equal(expected is null ? null : TimeSpan.FromSeconds(expected.Value), result.RetryAfter);
        Assert.StartsWith(status, result.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("403", AuditDeliveryOutcome.Paused)]
    [InlineData("422", AuditDeliveryOutcome.DeadLettered)]
    public async Task A_refusal_that_retrying_cannot_fix_pauses_the_sink_or_dead_letters_the_event_at_once(string status, AuditDeliveryOutcome expected)
    {
        var (result, stats) = await DeliverOnceAsync(
            new() { [$"Emulator:Faults:StatusRates:{status}"] = "1" },
            new() { ["AuditGen:WorkOs:MaxRetryAttempts"] = "3", ["AuditGen:WorkOs:PausedRetryInterval"] = "00:00:45" });

        Assert.Equal(expected, result.Outcome);
        Assert.Contains(status + " ", result.Reason, StringComparison.Ordinal);
        Assert.Equal(expected == AuditDeliveryOutcome.Paused ? TimeSpan.FromSeconds(45) : null, result.RetryAfter);
        Assert.Equal(1, (int)stats["injected"]![status]!);
    }

    [Fact]
    public async Task An_answer_slower_than_RequestTimeout_is_given_up_and_retried_later()
    {
        var (result, _) = await DeliverOnceAsync(
            new() { ["Emulator:Faults:LatencyMilliseconds"] = "5000" },
            new() { ["AuditGen:WorkOs:MaxRetryAttempts"] = "0", ["AuditGen:WorkOs:RequestTimeout"] = "00:00:00.200" });

        Assert.Equal(AuditDeliveryOutcome.RetryLater, result.Outcome);
        Assert.Equal("no answer from WorkOS within 00:00:00.2000000", result.Reason);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_and_reported_without_the_key()
    {
        var (result, stats) = await DeliverOnceAsync(
            new() { ["Emulator:Faults:DropConnectionRate"] = "1" },
            new() { ["AuditGen:WorkOs:MaxRetryAttempts"] = "2" });

        Assert.Equal(AuditDeliveryOutcome.RetryLater, result.Outcome);
        Assert.StartsWith("cannot reach WorkOS: ", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Emulator.ApiKey, result.Reason, StringComparison.Ordinal);
        Assert.Equal(3, (int)stats["injected"]!["drop"]!);
    }

    [Fact]
    public async Task An_answer_that_echoes_the_API_key_is_kept_as_a_reason_without_it()
    {
        // A receiver that quotes the request's Authorization header back, in WorkOS's error shape and again in the body.
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var echo = builder.Build();
        echo.MapPost("/audit_logs/events", (HttpRequest request) =>
            Results.Json(
                new { message = $"Invalid credentials: {request.Headers.Authorization}", sent = new { authorization = request.Headers.Authorization.ToString() } },
                statusCode: 422));
        await echo.StartAsync();
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, new Uri(echo.Urls.Single()), new Dictionary<string, string?> { ["AuditGen:WorkOs:MaxRetryAttempts"] = "0" });
        var sink = host.Services.GetServices<IAuditSink>().OfType<WorkOsAuditSink>().Single();

        var result = await sink.DeliverAsync(Entry(), default);

        Assert.Equal(AuditDeliveryOutcome.DeadLettered, result.Outcome);
        Assert.Contains("Invalid credentials: Bearer [redacted]", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Emulator.ApiKey, result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Emulator.ApiKey[..12], result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditGen_s_own_records_without_an_organization_pass_WorkOS_by_and_an_application_s_event_without_one_is_a_dead_letter_even_named_like_them()
    {
        await using var emulator = await Emulator.StartAsync();
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl);
        var sink = host.Services.GetServices<IAuditSink>().OfType<WorkOsAuditSink>().Single();

        var verified = await sink.DeliverAsync(Entry(organizationId: "", action: "audit_log.verified", rejection: "/organization_id: required", actorType: "operating_system_user"), default);
        var appEvent = await sink.DeliverAsync(Entry(organizationId: "", action: "user.signed_in", rejection: "/organization_id: required"), default);
        var lookalike = await sink.DeliverAsync(Entry(organizationId: "", action: "audit_log.verified", rejection: "/organization_id: required"), default);

        Assert.Equal(AuditDeliveryOutcome.Delivered, verified.Outcome);
        Assert.Equal(AuditDeliveryOutcome.DeadLettered, appEvent.Outcome);
        Assert.Equal(AuditDeliveryOutcome.DeadLettered, lookalike.Outcome);
        Assert.Empty(await emulator.ReceivedAsync());
    }

    [Fact]
    public void Retry_After_is_read_as_seconds_or_an_HTTP_date_and_kept_between_the_base_delay_and_the_cap()
    {
        var now = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(3)) } };
        using var date = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new(now.AddSeconds(20)) } };
        using var past = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Headers = { RetryAfter = new(now.AddSeconds(-5)) } };
        using var none = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        var floor = TimeSpan.FromMilliseconds(500);
        Assert.Equal(TimeSpan.FromSeconds(3), HttpDelivery.RetryAfter(seconds, now, floor, TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.FromSeconds(20), HttpDelivery.RetryAfter(date, now, floor, TimeSpan.FromSeconds(60)));
        Assert.Equal(TimeSpan.FromSeconds(10), HttpDelivery.RetryAfter(date, now, floor, TimeSpan.FromSeconds(10)));
        Assert.Equal(floor, HttpDelivery.RetryAfter(past, now, floor, TimeSpan.FromSeconds(60)));
        Assert.Null(HttpDelivery.RetryAfter(none, now, floor, TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task Without_an_API_key_or_over_plain_http_to_another_machine_the_host_does_not_start()
    {
        await using var emulator = await Emulator.StartAsync();
        using var database = new TempDatabase();
        Assert.Null(Environment.GetEnvironmentVariable(WorkOsSinkOptions.ApiKeyEnvironmentVariable));

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => AuditHost.StartAsync(database.Path, emulator.BaseUrl, new Dictionary<string, string?>
        {
            ["AuditGen:WorkOs:ApiKey"] = "",
            ["AuditGen:WorkOs:MaxConcurrency"] = "0",
            ["AuditGen:WorkOs:BaseUrl"] = "http://workos.example.com/",
        }));

        Assert.Contains("AuditGen:WorkOs:ApiKey is not set and neither is the environment variable WORKOS_API_KEY", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AuditGen:WorkOs:MaxConcurrency must be between 1 and 64 (was 0)", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AuditGen:WorkOs:BaseUrl must be an https address", failure.Message, StringComparison.Ordinal);
    }

    private static StoredAuditEntry Entry(string organizationId = "org_123", string action = "user.signed_in", string? rejection = null, string actorType = "user")
    {
        var auditEvent = new AuditGen.Events.AuditEvent
        {
            OrganizationId = organizationId,
            Action = action,
            Actor = new() { Type = actorType, Id = "user_1" },
            Context = new() { Location = "127.0.0.1" },
        };
        return new StoredAuditEntry(1, auditEvent.Id, auditEvent.OrganizationId, auditEvent.Action, auditEvent.OccurredAt, WorkOsJson.SerializeEvent(auditEvent), [], rejection);
    }

    /// <summary>One delivery by the WorkOS sink (its quick retries included) to an emulator with these faults, and what the emulator counted.</summary>
    private static async Task<(AuditDeliveryResult Result, System.Text.Json.Nodes.JsonObject Stats)> DeliverOnceAsync(Dictionary<string, string?> faults, Dictionary<string, string?> settings)
    {
        await using var emulator = await Emulator.StartAsync(faults);
        using var database = new TempDatabase();
        await using var host = await AuditHost.StartAsync(database.Path, emulator.BaseUrl, settings);
        var sink = host.Services.GetServices<IAuditSink>().OfType<WorkOsAuditSink>().Single();

        var result = await sink.DeliverAsync(Entry(), default);
        return (result, await emulator.StatsAsync());
    }
}
