using System.Net;

namespace AuditGen.AspNetCore.Tests;

/// <summary>
/// The test app runs the error handling of a production app (problem details with the exception handler, status code
/// pages re-executing an error endpoint, request timeouts), in both build modes: every audited request is recorded
/// through it, with the status the client received.
/// </summary>
[Collection(TestAppsCollectionDefinition.Name)]
public sealed class ProductionMiddlewareTests(TestApis apps)
{
    private const string Ada = "Test sub=user_ada;name=Ada Lovelace;org_id=org_acme";

    public static TheoryData<string> Modes => new() { "runtime", "rdg" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_handler_that_throws_is_answered_with_problem_details_and_recorded_with_its_exception(string mode)
    {
        var app = apps[mode];
        var job = $"job_{Guid.NewGuid():N}";

        using var response = await app.Client.SendAsync(Request(HttpMethod.Post, $"/crash/{job}"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = (await app.EventsAsync(e => e.HasTarget("job", job))).Single();
        Assert.Equal("""{"outcome":"failure","status_code":500,"exception":"System.InvalidOperationException"}""", body.Metadata().GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_failure_status_code_pages_re_execute_is_recorded_for_the_audited_endpoint(string mode)
    {
        var app = apps[mode];
        var team = $"team_{Guid.NewGuid():N}";

        using var response = await app.Client.SendAsync(Request(HttpMethod.Post, $"/teams/{team}/freeze"));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = (await app.EventsAsync(e => e.HasTarget("team", team))).Single();
        Assert.Equal("team.frozen", body.Action());
        Assert.Equal("""{"outcome":"failure","status_code":409}""", body.Metadata().GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_request_cut_off_by_its_request_timeout_is_recorded_as_a_failure(string mode)
    {
        var app = apps[mode];
        var report = $"report_{Guid.NewGuid():N}";

        using var response = await app.Client.SendAsync(Request(HttpMethod.Get, $"/reports/{report}/slow"));

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("report", report))).Single();
        Assert.Equal("report.generated", body.Action());
        Assert.Equal("failure", body.Metadata().GetProperty("outcome").GetString());
        Assert.Equal(504, body.Metadata().GetProperty("status_code").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_request_the_client_abandons_is_recorded_as_a_failure(string mode)
    {
        var app = apps[mode];
        var report = $"report_{Guid.NewGuid():N}";
        using (var impatient = new HttpClient { BaseAddress = app.Client.BaseAddress, Timeout = TimeSpan.FromMilliseconds(300) })
        {
            await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.SendAsync(Request(HttpMethod.Get, $"/reports/{report}/wait")));
        }

        var body = (await app.EventsAsync(e => e.HasTarget("report", report))).Single();
        Assert.Equal("report.awaited", body.Action());
        Assert.Equal("failure", body.Metadata().GetProperty("outcome").GetString());
    }

    private static HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", Ada);
        return request;
    }
}
