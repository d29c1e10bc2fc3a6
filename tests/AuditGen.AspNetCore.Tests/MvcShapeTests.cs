using System.Net;

namespace AuditGen.AspNetCore.Tests;

/// <summary>MVC controllers: [Audited] on the controller and on actions, [FromRoute], [FromQuery], [FromBody].</summary>
[Collection(TestAppsCollectionDefinition.Name)]
public sealed class MvcShapeTests(TestApis apps)
{
    private const string Ada = "Test sub=user_ada;name=Ada Lovelace;org_id=org_acme";

    public static TheoryData<string> Modes => MinimalApiShapeTests.Modes;

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Controller_level_attribute_audits_an_action_with_route_and_query_values_and_controller_constants(string mode)
    {
        var app = apps[mode];
        var team = MinimalApiShapeTests.Unique("team");

        using var response = await app.Client.SendAsync(MinimalApiShapeTests.Request(HttpMethod.Get, $"/mvc/teams/{team}?view=full", Ada));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("team", team))).Single();
        Assert.Equal("team.accessed", body.Action());
        Assert.Equal("""{"surface":"mvc","view":"full","outcome":"success","status_code":200}""", body.Metadata().GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Action_level_attribute_overrides_the_controller_and_reads_the_body(string mode)
    {
        var app = apps[mode];
        var team = MinimalApiShapeTests.Unique("team");

        using var response = await app.Client.SendAsync(MinimalApiShapeTests.Request(HttpMethod.Post, $"/mvc/teams/{team}/roles", Ada, new { userId = "user_grace", role = "owner" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("team", team))).Single();
        Assert.Equal("team.role_granted", body.Action());
        Assert.True(body.HasTarget("user", "user_grace"));
        Assert.Equal("owner", body.Metadata().GetProperty("role").GetString());
        Assert.Equal("mvc", body.Metadata().GetProperty("surface").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Action_result_gives_the_created_target(string mode)
    {
        var app = apps[mode];
        var name = MinimalApiShapeTests.Unique("t");

        using var response = await app.Client.SendAsync(MinimalApiShapeTests.Request(HttpMethod.Post, "/mvc/teams", Ada, new { name }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("team", "team_" + name))).Single();
        Assert.Equal("team.created_mvc", body.Action());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Invalid_body_refused_by_ApiController_is_a_failure_with_the_route_target(string mode)
    {
        var app = apps[mode];
        var team = MinimalApiShapeTests.Unique("team");
        using var request = MinimalApiShapeTests.Request(HttpMethod.Post, $"/mvc/teams/{team}/roles", Ada);
        request.Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("team", team))).Single();
        Assert.Equal("team.role_granted", body.Action());
        Assert.Equal("failure", body.Metadata().GetProperty("outcome").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Action_refused_by_authorization_is_a_failure_with_the_route_target(string mode)
    {
        var app = apps[mode];
        var team = MinimalApiShapeTests.Unique("team");

        using var response = await app.Client.SendAsync(MinimalApiShapeTests.Request(HttpMethod.Delete, $"/mvc/teams/{team}", Ada));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("team", team))).Single();
        Assert.Equal("team.accessed", body.Action());
        Assert.Equal("""{"surface":"mvc","outcome":"failure","status_code":403,"authorization":"forbidden"}""", body.Metadata().GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Exception_in_an_action_is_a_failure_with_its_type(string mode)
    {
        var app = apps[mode];
        var team = MinimalApiShapeTests.Unique("team");

        using var response = await app.Client.SendAsync(MinimalApiShapeTests.Request(HttpMethod.Post, $"/mvc/teams/{team}/rebuild", Ada));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("team", team))).Single();
        Assert.Equal("""{"surface":"mvc","outcome":"failure","status_code":500,"exception":"System.InvalidOperationException"}""", body.Metadata().GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Controller_in_a_class_library_is_audited_before_anything_in_the_library_has_run(string mode)
    {
        var app = apps[mode];
        var report = MinimalApiShapeTests.Unique("report");

        // Refused by authorization, so no type of the library is used: only AuditGen can run its module initializer.
        using var response = await app.Client.SendAsync(MinimalApiShapeTests.Request(HttpMethod.Delete, $"/library/reports/{report}", Ada));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("report", report))).Single();
        Assert.Equal("report.deleted", body.Action());
        Assert.DoesNotContain("has no generated code", app.Output, StringComparison.Ordinal);
    }
}
