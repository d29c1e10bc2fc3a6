using System.Net;
using System.Text;
using AuditGen.AspNetCore;
using AuditGen.Pipeline;
using AuditGen.Stores.InMemory;
using AuditGen.Tests.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AuditGen.Tests.AspNetCore;

/// <summary>
/// The error handling middleware of production apps clears the endpoint and route values (and re-execution runs another
/// endpoint) before AuditGen's middleware sees the request: the event is recorded all the same. Real Kestrel on 127.0.0.1.
/// </summary>
public sealed class ErrorHandlingMiddlewareTests
{
    [Theory]
    [InlineData("exception handler with problem details")]
    [InlineData("exception handler re-executing /error")]
    [InlineData("developer exception page")]
    public async Task A_handler_that_throws_is_recorded_as_a_failure_with_its_exception(string errorHandling)
    {
        var (response, json) = await RequestAsync(errorHandling, "/invoices/inv_1");

        Assert.Equal(HttpStatusCode.InternalServerError, response);
        AssertFailure(json, "invoice.viewed", 500);
        Assert.Contains("\"exception\":\"System.InvalidOperationException\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_that_status_code_pages_re_execute_is_recorded_for_the_audited_endpoint()
    {
        var (response, json) = await RequestAsync("status code pages re-executing /status/{0}", "/teams/team_1/lock");

        Assert.Equal(HttpStatusCode.Conflict, response);
        AssertFailure(json, "team.locked", 409);
    }

    [Fact]
    public async Task A_request_cut_off_by_the_request_timeout_is_recorded_as_a_failure()
    {
        var (response, json) = await RequestAsync("request timeouts", "/reports/slow");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response);
        AssertFailure(json, "report.generated", 504);
    }

    [Fact]
    public async Task A_request_the_client_abandons_is_recorded_as_a_failure()
    {
        await using var app = await StartAsync("none");
        using (var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromMilliseconds(300) })
        {
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => client.GetAsync("/reports/slow"));
        }

        await Eventually.Get(() => StoredJson(app).Count, static count => count == 1, "the abandoned request to be recorded");
        await app.StopAsync();

        AssertFailure(Assert.Single(StoredJson(app)), "report.generated", statusCode: null);
    }

    /// <summary>One request to a new app with <paramref name="errorHandling"/>; its status and the one event stored.</summary>
    private static async Task<(HttpStatusCode Status, string Json)> RequestAsync(string errorHandling, string path)
    {
        await using var app = await StartAsync(errorHandling);
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        using var response = await client.GetAsync(path);
        await app.StopAsync();
        return (response.StatusCode, Assert.Single(StoredJson(app)));
    }

    private static void AssertFailure(string json, string action, int? statusCode)
    {
        Assert.Contains($"\"action\":\"{action}\"", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"failure\"", json, StringComparison.Ordinal);
        if (statusCode is { } status)
        {
            Assert.Contains($"\"status_code\":{status}", json, StringComparison.Ordinal);
        }
    }

    private static List<string> StoredJson(WebApplication app) =>
        ((InMemoryAuditStore)app.Services.GetRequiredService<IAuditStore>()).Entries.Select(static e => Encoding.UTF8.GetString(e.EventJson.Span)).ToList();

    private static async Task<WebApplication> StartAsync(string errorHandling)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        builder.Services.AddAuditGen().UseInMemoryStore();
        builder.Services.Configure<AuditHttpOptions>(static http => http.DefaultOrganizationId = "org_test");
        builder.Services.AddRequestTimeouts(static timeouts => timeouts.DefaultPolicy = new RequestTimeoutPolicy { Timeout = TimeSpan.FromMilliseconds(200) });

        var app = builder.Build();
        switch (errorHandling)
        {
            case "exception handler with problem details":
                app.UseExceptionHandler();
                break;
            case "exception handler re-executing /error":
                app.UseExceptionHandler("/error");
                break;
            case "developer exception page":
                app.UseDeveloperExceptionPage();
                break;
            case "request timeouts":
                app.UseRequestTimeouts();
                break;
            case "none":
                break;
            default:
                app.UseStatusCodePagesWithReExecute("/status/{0}");
                break;
        }

        app.MapGet("/invoices/{invoiceId}", [Audited("invoice.viewed")] string (string invoiceId) => throw new InvalidOperationException($"{invoiceId} is gone"));
        app.MapGet("/teams/{teamId}/lock", [Audited("team.locked")] (string teamId) => Results.StatusCode(StatusCodes.Status409Conflict));
        app.MapGet("/reports/slow", [Audited("report.generated")] async (CancellationToken cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            return "done";
        });
        app.MapGet("/error", static () => Results.Problem("something failed"));
        app.MapGet("/status/{code}", static (int code) => $"status page {code}");
        await app.StartAsync();
        return app;
    }
}
