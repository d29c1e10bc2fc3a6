using System.Net;
using AuditGen.Stores.InMemory;
using AuditGen.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuditGen.Tests.AspNetCore;

/// <summary>
/// This project does not run AuditGen's generator, so its [Audited] endpoints have no generated code:
/// the middleware still records actor, organization, context and outcome, and says why the rest is missing.
/// Also covers which outcomes are recorded. A real Kestrel server on 127.0.0.1.
/// </summary>
public sealed class UngeneratedSiteTests
{
    [Theory]
    [InlineData(true, true, new[] { "ok.viewed", "fail.viewed" })]
    [InlineData(false, true, new[] { "fail.viewed" })]
    [InlineData(true, false, new[] { "ok.viewed" })]
    public async Task Recorded_outcomes_follow_the_options(bool successes, bool failures, string[] expected)
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAsync(logs, http =>
        {
            http.RecordSuccesses = successes;
            http.RecordFailures = failures;
        });
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        (await client.GetAsync("/ok")).Dispose();
        (await client.GetAsync("/fail")).Dispose();
        (await client.GetAsync("/ok")).Dispose();
        await app.StopAsync();

        var store = (InMemoryAuditStore)app.Services.GetRequiredService<AuditGen.Pipeline.IAuditStore>();
        Assert.Equal(expected.Length + (successes ? 1 : 0), store.Entries.Count);
        Assert.Equal(expected.Order(), store.Entries.Select(e => e.Action).Distinct().Order());
    }

    [Fact]
    public async Task An_endpoint_without_generated_code_is_still_recorded_and_the_log_says_why_once()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAsync(logs, _ => { });
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var response = await client.GetAsync("/ok");
        (await client.GetAsync("/ok")).Dispose();
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = ((InMemoryAuditStore)app.Services.GetRequiredService<AuditGen.Pipeline.IAuditStore>()).Entries;
        Assert.Equal(2, stored.Count);
        Assert.Equal(
            """{"action":"ok.viewed","occurred_at":"TIME","actor":{"type":"anonymous","id":"anonymous"},"targets":[],"context":{"location":"127.0.0.1"},"metadata":{"outcome":"success","status_code":200}}""",
            System.Text.RegularExpressions.Regex.Replace(System.Text.Encoding.UTF8.GetString(stored[0].EventJson.Span), "\"occurred_at\":\"[^\"]+\"", "\"occurred_at\":\"TIME\""));
        Assert.Single(logs.Logs, l => l.Level == LogLevel.Warning && l.Message.Contains("[Audited(\"ok.viewed\")]", StringComparison.Ordinal) && l.Message.Contains("has no generated code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_strict_action_without_generated_code_is_recorded_and_reported_as_unprotected()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await StartAsync(logs, _ => { }, strict: true);
        using var metrics = new MetricCollector(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

        using var response = await client.GetAsync("/ok");
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(((InMemoryAuditStore)app.Services.GetRequiredService<AuditGen.Pipeline.IAuditStore>()).Entries);
        Assert.Equal(1, metrics.Total("auditgen.strict.unprotected"));
        Assert.Contains(logs.Logs, l => l.Level == LogLevel.Error && l.Message == "Strict audit action ok.viewed succeeded but its event was recorded after the response: no generated filter ran for the endpoint.");
    }

    private static async Task<WebApplication> StartAsync(CapturingLoggerProvider logs, Action<AuditGen.AspNetCore.AuditHttpOptions> http, bool strict = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddAuditGen(options =>
            options.DeliveryMode = strict ? AuditDeliveryMode.BeforeResponse : AuditDeliveryMode.AfterResponse)
            .UseInMemoryStore();
        builder.Services.Configure<AuditGen.AspNetCore.AuditHttpOptions>(options =>
        {
            options.DefaultOrganizationId = "org_test";
            http(options);
        });

        var app = builder.Build();
        app.MapGet("/ok", [Audited("ok.viewed")] () => "fine");
        app.MapGet("/fail", [Audited("fail.viewed")] () => Results.StatusCode(StatusCodes.Status409Conflict));
        await app.StartAsync();
        return app;
    }
}
