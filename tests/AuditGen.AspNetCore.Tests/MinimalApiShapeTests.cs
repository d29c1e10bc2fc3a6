using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AuditGen.AspNetCore.Tests;

/// <summary>Every minimal-API shape, each a real request to a real app, in both Request Delegate Generator modes.</summary>
[Collection(TestAppsCollectionDefinition.Name)]
public sealed class MinimalApiShapeTests(TestApis apps)
{
    private const string Ada = "Test sub=user_ada;name=Ada Lovelace;org_id=org_acme";

    public static TheoryData<string> Modes => new() { "runtime", "rdg" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Each_build_runs_in_the_mode_it_claims(string mode)
    {
        var info = await apps[mode].Client.GetFromJsonAsync<JsonElement>("/_test/mode");

        Assert.Equal(mode, info.GetProperty("mode").GetString());
        Assert.Equal(mode == "rdg", info.GetProperty("requestDelegateGenerated").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Lambda_in_top_level_program_records_the_exact_WorkOS_event(string mode)
    {
        var app = apps[mode];
        var team = Unique("team");
        using var request = Request(HttpMethod.Post, $"/teams/{team}/members", Ada, new { userId = "user_grace", role = "admin" });
        request.Headers.UserAgent.ParseAdd("audit-test/1.0");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("team", team))).Single();
        Assert.Equal(
            $$$$"""{"organization_id":"org_acme","event":{"action":"team.member_added","occurred_at":"TIME","actor":{"type":"user","id":"user_ada","name":"Ada Lovelace"},"targets":[{"type":"team","id":"{{{{team}}}}"},{"type":"user","id":"user_grace"}],"context":{"location":"127.0.0.1","user_agent":"audit-test/1.0"},"metadata":{"role":"admin","outcome":"success","status_code":201}}}""",
            EventJson.Normalize(body));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Static_method_group_in_another_class_takes_route_and_query_values(string mode)
    {
        var app = apps[mode];
        var invoice = Guid.NewGuid();

        using var response = await app.Client.SendAsync(Request(HttpMethod.Delete, $"/invoices/{invoice}?reason=duplicate", Ada));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("invoice", invoice.ToString("D")))).Single();
        Assert.Equal("invoice.voided", body.Action());
        Assert.Equal("duplicate", body.Metadata().GetProperty("reason").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Instance_method_handler_is_audited(string mode)
    {
        var app = apps[mode];
        var key = Unique("key");

        using var response = await app.Client.SendAsync(Request(HttpMethod.Post, $"/api-keys/{key}/rotate", Ada));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("api_key", key))).Single();
        Assert.Equal("api_key.rotated", body.Action());
        Assert.Equal("success", body.Metadata().GetProperty("outcome").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Nested_group_endpoint_takes_route_and_body_values_and_the_organization_from_the_route(string mode)
    {
        var app = apps[mode];
        var organization = Unique("org");

        // A user without an org claim: the organization comes from the group's {organizationId}.
        using var response = await app.Client.SendAsync(Request(HttpMethod.Put, $"/orgs/{organization}/projects/42", "Test sub=user_bob", new { name = "Apollo" }));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await app.EventsAsync(e => e.GetProperty("organization_id").GetString() == organization)).Single();
        Assert.Equal("project.renamed", body.Action());
        Assert.True(body.HasTarget("project", "42"));
        Assert.Equal("Apollo", body.Metadata().GetProperty("name").GetString());
        Assert.Equal("user_bob", body.GetProperty("event").GetProperty("actor").GetProperty("id").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Group_authorization_refusal_is_recorded_as_a_failure_with_the_route_values(string mode)
    {
        var app = apps[mode];
        var organization = Unique("org");

        using var response = await app.Client.SendAsync(Request(HttpMethod.Put, $"/orgs/{organization}/projects/7", null, new { name = "x" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = (await app.EventsAsync(e => e.GetProperty("organization_id").GetString() == organization)).Single();
        Assert.True(body.HasTarget("project", "7"));
        Assert.Equal("failure", body.Metadata().GetProperty("outcome").GetString());
        Assert.Equal(401, body.Metadata().GetProperty("status_code").GetInt32());
        Assert.Equal("""{"type":"anonymous","id":"anonymous"}""", body.GetProperty("event").GetProperty("actor").GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Group_filter_that_short_circuits_is_recorded_with_the_arguments_it_saw(string mode)
    {
        var app = apps[mode];
        var organization = Unique("org");
        using var request = Request(HttpMethod.Put, $"/orgs/{organization}/projects/9", "Test sub=user_bob", new { name = "Frozen" });
        request.Headers.Add("X-Freeze", "1");

        using var response = await app.Client.SendAsync(request);

        Assert.Equal((HttpStatusCode)423, response.StatusCode);
        var body = (await app.EventsAsync(e => e.GetProperty("organization_id").GetString() == organization)).Single();
        Assert.Equal("failure", body.Metadata().GetProperty("outcome").GetString());
        Assert.Equal("Frozen", body.Metadata().GetProperty("name").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Sync_handler_returning_a_plain_value_is_a_success(string mode)
    {
        var app = apps[mode];
        var ping = Unique("ping");

        using var response = await app.Client.SendAsync(Request(HttpMethod.Get, $"/ping/{ping}", Ada));

        Assert.Equal($"pong {ping}", await response.Content.ReadAsStringAsync());
        var body = (await app.EventsAsync(e => e.HasTarget("ping", ping))).Single();
        Assert.Equal(200, body.Metadata().GetProperty("status_code").GetInt32());
        Assert.Equal("org_acme", body.GetProperty("organization_id").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Results_union_records_the_found_case_and_configured_404s_are_not_recorded(string mode)
    {
        var app = apps[mode];
        var member = Unique("member");

        using var missing = await app.Client.SendAsync(Request(HttpMethod.Get, "/members/missing", Ada));
        using var found = await app.Client.SendAsync(Request(HttpMethod.Get, $"/members/{member}", Ada));

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.OK, found.StatusCode);
        await app.EventsAsync(e => e.HasTarget("member", member));
        var all = await app.EventsAsync(_ => true);
        Assert.DoesNotContain(all, e => e.HasTarget("member", "missing"));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Query_and_header_values_become_metadata_and_target(string mode)
    {
        var app = apps[mode];
        var report = Unique("report");
        using var request = Request(HttpMethod.Get, "/reports?format=csv&page=2&section=summary", Ada);
        request.Headers.Add("X-Report-Id", report);

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("report", report))).Single();
        Assert.True(body.HasTarget("section", "summary"));
        Assert.Equal("csv", body.Metadata().GetProperty("format").GetString());
        Assert.Equal("success", body.Metadata().GetProperty("outcome").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Binding_failure_is_recorded_as_a_failure_not_a_success(string mode)
    {
        var app = apps[mode];
        var report = Unique("report");
        using var request = Request(HttpMethod.Get, "/reports?format=csv&page=not-a-number", Ada);
        request.Headers.Add("X-Report-Id", report);

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("report", report))).Single();
        Assert.Equal("failure", body.Metadata().GetProperty("outcome").GetString());
        Assert.Equal(400, body.Metadata().GetProperty("status_code").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Body_property_and_result_targets_of_different_types_land_on_one_event(string mode)
    {
        var app = apps[mode];
        var number = Random.Shared.Next(100_000, 999_999);

        using var response = await app.Client.SendAsync(Request(HttpMethod.Post, "/invoices", Ada, new { number, customerId = "cus_9", amount = 12.5m }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("invoice", $"inv_{number}"))).Single();
        Assert.Equal($$"""[{"type":"customer","id":"cus_9"},{"type":"invoice","id":"inv_{{number}}"}]""", body.GetProperty("event").GetProperty("targets").GetRawText());
        Assert.Equal("""{"channel":"api","amount":12.5,"outcome":"success","status_code":201}""", body.Metadata().GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Actor_from_a_body_property_replaces_the_anonymous_user_on_a_failed_sign_in(string mode)
    {
        var app = apps[mode];
        var email = Unique("user") + "@example.com";

        using var response = await app.Client.SendAsync(Request(HttpMethod.Post, "/sign-in", null, new { email, password = "wrong" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = (await app.EventsAsync(e => e.GetProperty("event").GetProperty("actor").GetProperty("id").GetString() == email)).Single();
        Assert.Equal("user.signed_in", body.Action());
        Assert.Equal("failure", body.Metadata().GetProperty("outcome").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Per_endpoint_organization_from_a_header_overrides_the_claim(string mode)
    {
        var app = apps[mode];
        var partner = Unique("org");
        using var request = Request(HttpMethod.Post, "/partner/events", Ada);
        request.Headers.Add("X-Partner-Org", partner);

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var body = (await app.EventsAsync(e => e.GetProperty("organization_id").GetString() == partner)).Single();
        Assert.Equal("partner.event_received", body.Action());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Cookie_challenge_that_redirects_is_recorded_as_a_failure_not_a_success(string mode)
    {
        var app = apps[mode];
        var page = Unique("page");
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };

        using var response = await client.GetAsync($"/account/settings?page={page}");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/sign-in-page", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        var body = (await app.EventsAsync(e => e.HasTarget("settings_page", page))).Single();
        Assert.Equal("""{"outcome":"failure","status_code":302,"authorization":"challenged"}""", body.Metadata().GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Actor_id_falls_back_to_the_name_identifier_claim(string mode)
    {
        var app = apps[mode];
        var ping = Unique("ping");

        using var response = await app.Client.SendAsync(Request(HttpMethod.Get, $"/ping/{ping}", "Test http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier=user_ni;name=Grace Hopper;org_id=org_acme"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("ping", ping))).Single();
        Assert.Equal("""{"type":"user","id":"user_ni","name":"Grace Hopper"}""", body.GetProperty("event").GetProperty("actor").GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task The_application_can_replace_the_actor_resolver(string mode)
    {
        var app = apps[mode];
        var ping = Unique("ping");

        using var response = await app.Client.SendAsync(Request(HttpMethod.Get, $"/ping/{ping}", "Test client_id=svc_backup;org_id=org_acme"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("ping", ping))).Single();
        Assert.Equal("""{"type":"service_account","id":"svc_backup"}""", body.GetProperty("event").GetProperty("actor").GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Organization_comes_from_the_configured_header_when_no_claim_or_route_value_gives_one(string mode)
    {
        var app = apps[mode];
        var ping = Unique("ping");
        var tenant = Unique("org");
        using var request = Request(HttpMethod.Get, $"/ping/{ping}", "Test sub=user_bob");
        request.Headers.Add("X-Tenant-Id", tenant);

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(tenant, (await app.EventsAsync(e => e.HasTarget("ping", ping))).Single().GetProperty("organization_id").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Unauthenticated_and_forbidden_requests_are_recorded_before_the_handler_runs(string mode)
    {
        var app = apps[mode];
        var anonymousTarget = Unique("user");
        var forbiddenTarget = Unique("user");

        using var unauthenticated = await app.Client.SendAsync(Request(HttpMethod.Delete, $"/admin/users/{anonymousTarget}", null));
        using var forbidden = await app.Client.SendAsync(Request(HttpMethod.Delete, $"/admin/users/{forbiddenTarget}", Ada));

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var first = (await app.EventsAsync(e => e.HasTarget("user", anonymousTarget))).Single();
        var second = (await app.EventsAsync(e => e.HasTarget("user", forbiddenTarget))).Single();
        Assert.Equal(401, first.Metadata().GetProperty("status_code").GetInt32());
        Assert.Equal("anonymous", first.GetProperty("event").GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal(403, second.Metadata().GetProperty("status_code").GetInt32());
        Assert.Equal("user_ada", second.GetProperty("event").GetProperty("actor").GetProperty("id").GetString());
        Assert.Equal("admin.user_deleted", second.Action());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Exception_in_the_handler_is_recorded_as_a_failure_and_reaches_the_client_unchanged(string mode)
    {
        var app = apps[mode];
        var job = Unique("job");

        using var response = await app.Client.SendAsync(Request(HttpMethod.Post, $"/crash/{job}", Ada));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("job", job))).Single();
        Assert.Equal("""{"outcome":"failure","status_code":500,"exception":"System.InvalidOperationException"}""", body.Metadata().GetRawText());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Generated_builder_writes_the_same_action_from_background_work(string mode)
    {
        var app = apps[mode];
        var team = Unique("team");

        using var response = await app.Client.PostAsync($"/_test/background/{team}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("team", team))).Single();
        Assert.Equal(
            $$$$"""{"organization_id":"org_jobs","event":{"action":"team.member_added","occurred_at":"TIME","actor":{"type":"job","id":"nightly_sync"},"targets":[{"type":"team","id":"{{{{team}}}}"},{"type":"user","id":"user_imported","name":"Imported User"}],"context":{"location":"job:nightly_sync"},"metadata":{"role":"viewer"}}}""",
            EventJson.Normalize(body));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Handler_can_add_to_its_own_event(string mode)
    {
        var app = apps[mode];
        var name = Unique("Team");

        using var response = await app.Client.SendAsync(Request(HttpMethod.Post, "/teams", Ada, new { name }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = "team_" + name.ToLowerInvariant();
        var body = (await app.EventsAsync(e => e.HasTarget("team", id))).Single();
        Assert.Equal($$"""[{"type":"team","id":"{{id}}","name":"{{name}}"}]""", body.GetProperty("event").GetProperty("targets").GetRawText());
        Assert.Equal("blank", body.Metadata().GetProperty("template").GetString());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Location_is_the_client_IP_as_forwarded_headers_resolved_it_and_spoofed_headers_are_ignored(string mode)
    {
        var app = apps[mode];
        var spoofed = Unique("ping");
        var proxied = Unique("ping");
        using var direct = Request(HttpMethod.Get, $"/ping/{spoofed}", Ada);
        direct.Headers.Add("X-Forwarded-For", "203.0.113.7");
        direct.Headers.Add("True-Client-IP", "203.0.113.8");
        using var viaProxy = Request(HttpMethod.Get, $"/ping/{proxied}", Ada);
        viaProxy.Headers.Add("X-Forwarded-For", "198.51.100.4");

        (await app.Client.SendAsync(direct)).Dispose();
        (await app.ClientViaTrustedProxy.SendAsync(viaProxy)).Dispose();

        Assert.Equal("127.0.0.1", (await app.EventsAsync(e => e.HasTarget("ping", spoofed))).Single().Location());
        Assert.Equal("198.51.100.4", (await app.EventsAsync(e => e.HasTarget("ping", proxied))).Single().Location());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task User_agent_is_bounded(string mode)
    {
        var app = apps[mode];
        var ping = Unique("ping");
        using var request = Request(HttpMethod.Get, $"/ping/{ping}", Ada);
        request.Headers.TryAddWithoutValidation("User-Agent", new string('u', 2_000));

        (await app.Client.SendAsync(request)).Dispose();

        var body = (await app.EventsAsync(e => e.HasTarget("ping", ping))).Single();
        Assert.Equal(512, body.GetProperty("event").GetProperty("context").GetProperty("user_agent").GetString()!.Length);
    }

    internal static string Unique(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    internal static HttpRequestMessage Request(HttpMethod method, string path, string? authorization, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }
}
