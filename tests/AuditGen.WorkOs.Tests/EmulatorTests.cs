using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using AuditGen.WorkOs.Tests.TestSupport;

namespace AuditGen.WorkOs.Tests;

/// <summary>The emulator answers as the reference says WorkOS does: shapes, statuses, error bodies, idempotency.</summary>
public sealed class EmulatorTests
{
    private const string ValidBody = """
        {"organization_id":"org_123","event":{"action":"user.signed_in","occurred_at":"2022-09-02T16:35:39.317Z",
         "actor":{"type":"user","id":"user_1","name":"Jon","metadata":{"role":"admin"}},
         "targets":[{"type":"team","id":"team_1"}],
         "context":{"location":"123.123.123.123","user_agent":"Chrome/104.0.0.0"},"metadata":{"plan":"pro"}}}
        """;

    [Fact]
    public async Task A_valid_event_is_accepted_with_success_true_and_kept_as_sent()
    {
        await using var emulator = await Emulator.StartAsync();

        var response = await PostEventAsync(emulator, ValidBody, "key-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"success":true}""", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(await emulator.ReceivedAsync());
        Assert.Equal("org_123", (string?)received["organization_id"]);
        Assert.Equal("key-1", (string?)received["idempotency_key"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(ValidBody)!["event"], received["event"]));
    }

    [Fact]
    public async Task Missing_members_are_422_validation_failed_naming_each_field()
    {
        await using var emulator = await Emulator.StartAsync();

        var response = await PostEventAsync(emulator, """{"organization_id":"org_123","event":{"occurred_at":"2022-09-02T16:35:39.317Z","actor":{"type":"user"},"targets":[],"context":{}}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(
            """{"message":"Validation failed.","code":"invalid_request_parameters","errors":[{"code":"event.action_required","field":"event.action"},{"code":"event.actor.id_required","field":"event.actor.id"},{"code":"event.context.location_required","field":"event.context.location"}]}""",
            await response.Content.ReadAsStringAsync());
        Assert.Empty(await emulator.ReceivedAsync());
    }

    [Theory]
    [InlineData("\"metadata\":{\"bad key!\":\"x\"}", "/metadata/bad key!")]
    [InlineData("\"metadata\":{\"nested\":{\"a\":1}}", "/metadata/nested")]
    [InlineData("\"metadata\":{\"long\":\"LONG\"}", "/metadata/long")]
    public async Task Metadata_that_breaks_WorkOS_limits_is_400_with_the_instance_path(string metadata, string instancePath)
    {
        await using var emulator = await Emulator.StartAsync();
        var body = ValidBody.Replace("\"metadata\":{\"plan\":\"pro\"}", metadata.Replace("LONG", new string('x', 501)), StringComparison.Ordinal);

        var response = await PostEventAsync(emulator, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Invalid Audit Log event.", (string?)error["message"]);
        Assert.Equal("invalid_audit_log_event", (string?)error["code"]);
        Assert.Equal(instancePath, (string?)error["errors"]![0]!["instancePath"]);
    }

    [Fact]
    public async Task Fifty_one_metadata_keys_are_400_on_the_metadata_object()
    {
        await using var emulator = await Emulator.StartAsync();
        var keys = string.Join(',', Enumerable.Range(0, 51).Select(i => $"\"k{i}\":{i}"));
        var response = await PostEventAsync(emulator, ValidBody.Replace("\"metadata\":{\"plan\":\"pro\"}", $"\"metadata\":{{{keys}}}", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/metadata", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![0]!["instancePath"]);
    }

    [Fact]
    public async Task A_wrong_key_is_401_a_key_without_permission_403_and_an_unknown_organization_404()
    {
        await using var emulator = await Emulator.StartAsync(new Dictionary<string, string?>
        {
            ["Emulator:ForbiddenApiKeys:0"] = "sk_read_only",
            ["Emulator:Organizations:0"] = "org_known",
        });

        using var wrongKey = new HttpRequestMessage(HttpMethod.Post, "audit_logs/events") { Content = Json(ValidBody) };
        wrongKey.Headers.Authorization = new("Bearer", "sk_wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await emulator.Http.SendAsync(wrongKey)).StatusCode);

        using var readOnly = new HttpRequestMessage(HttpMethod.Post, "audit_logs/events") { Content = Json(ValidBody) };
        readOnly.Headers.Authorization = new("Bearer", "sk_read_only");
        Assert.Equal(HttpStatusCode.Forbidden, (await emulator.Http.SendAsync(readOnly)).StatusCode);

        var unknown = await PostEventAsync(emulator, ValidBody);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("""{"message":"Organization not found: 'org_123'."}""", await unknown.Content.ReadAsStringAsync());

        var known = await PostEventAsync(emulator, ValidBody.Replace("org_123", "org_known", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
    }

    [Fact]
    public async Task The_same_idempotency_key_gets_the_first_answer_and_stores_one_event()
    {
        await using var emulator = await Emulator.StartAsync();

        var first = await PostEventAsync(emulator, ValidBody, "same-key");
        var second = await PostEventAsync(emulator, ValidBody.Replace("Jon", "Someone else", StringComparison.Ordinal), "same-key");
        var refused = await PostEventAsync(emulator, """{"organization_id":"org_123"}""", "refused-key");
        var refusedAgain = await PostEventAsync(emulator, ValidBody, "refused-key");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refusedAgain.StatusCode);
        Assert.Equal(await refused.Content.ReadAsStringAsync(), await refusedAgain.Content.ReadAsStringAsync());
        var received = Assert.Single(await emulator.ReceivedAsync());
        Assert.Equal("Jon", (string?)received["event"]!["actor"]!["name"]);
        Assert.Equal(2, (int)(await emulator.StatsAsync())["replayed"]!);
    }

    [Fact]
    public async Task Schemas_get_versions_and_events_are_checked_against_them()
    {
        await using var emulator = await Emulator.StartAsync();
        const string Schema = """{"actor":{"metadata":{"type":"object","properties":{"role":{"type":"string"}}}},"targets":[{"type":"team"}],"metadata":{"type":"object","properties":{"plan":{"type":"string"}}}}""";

        var v1 = await emulator.Http.PostAsync("audit_logs/actions/user.signed_in/schemas", Json(Schema));
        var v2 = await emulator.Http.PostAsync("audit_logs/actions/user.signed_in/schemas", Json(Schema.Replace("\"team\"", "\"user\"", StringComparison.Ordinal)));
        var noTargets = await emulator.Http.PostAsync("audit_logs/actions/user.signed_in/schemas", Json("""{"targets":[]}"""));

        Assert.Equal(HttpStatusCode.Created, v1.StatusCode);
        var created = JsonNode.Parse(await v1.Content.ReadAsStringAsync())!;
        Assert.Equal("audit_log_schema", (string?)created["object"]);
        Assert.Equal(1, (int)created["version"]!);
        Assert.Equal(2, (int)JsonNode.Parse(await v2.Content.ReadAsStringAsync())!["version"]!);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noTargets.StatusCode);

        // No version: checked against version 1, which declares the team target.
        Assert.Equal(HttpStatusCode.OK, (await PostEventAsync(emulator, ValidBody)).StatusCode);
        var version2 = await PostEventAsync(emulator, ValidBody.Replace("\"action\":\"user.signed_in\",", "\"action\":\"user.signed_in\",\"version\":2,", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, version2.StatusCode);
        Assert.Equal("/targets/0/type", (string?)JsonNode.Parse(await version2.Content.ReadAsStringAsync())!["errors"]![0]!["instancePath"]);
        var wrongType = await PostEventAsync(emulator, ValidBody.Replace("\"plan\":\"pro\"", "\"plan\":3", StringComparison.Ordinal));
        Assert.Equal("/metadata/plan", (string?)JsonNode.Parse(await wrongType.Content.ReadAsStringAsync())!["errors"]![0]!["instancePath"]);

        var actions = (await emulator.Http.GetFromJsonAsync<JsonObject>("audit_logs/actions"))!;
        Assert.Equal("list", (string?)actions["object"]);
        Assert.Equal("user.signed_in", (string?)actions["data"]![0]!["name"]);
        Assert.Equal(2, (int)actions["data"]![0]!["schema"]!["version"]!);
        var versions = (await emulator.Http.GetFromJsonAsync<JsonObject>("audit_logs/actions/user.signed_in/schemas?limit=1"))!;
        Assert.Equal(1, (int)versions["data"]![0]!["version"]!);
        Assert.NotNull((string?)versions["list_metadata"]!["after"]);
    }

    [Fact]
    public async Task Exports_apply_WorkOS_filters_and_download_as_csv_and_json()
    {
        await using var emulator = await Emulator.StartAsync();
        await PostEventAsync(emulator, ValidBody.Replace("2022-09-02T16:35:39.317Z", Recent(1), StringComparison.Ordinal));
        await PostEventAsync(emulator, ValidBody.Replace("2022-09-02T16:35:39.317Z", Recent(2), StringComparison.Ordinal).Replace("user.signed_in", "team.created", StringComparison.Ordinal));
        await PostEventAsync(emulator, ValidBody.Replace("2022-09-02T16:35:39.317Z", Recent(3), StringComparison.Ordinal).Replace("org_123", "org_other", StringComparison.Ordinal));

        var created = await emulator.Http.PostAsync("audit_logs/exports", Json($$"""
            {"organization_id":"org_123","range_start":"{{Recent(24)}}","range_end":"{{Recent(-1)}}","actions":["team.created"],"actor_names":["Jon"],"targets":["team"]}
            """));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var export = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        Assert.Equal("pending", (string?)export["state"]);

        var polled = (await emulator.Http.GetFromJsonAsync<JsonObject>($"audit_logs/exports/{export["id"]}"))!;
        Assert.Equal("ready", (string?)polled["state"]);
        var csv = await emulator.Http.GetStringAsync((string)polled["url"]!);
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, rows.Length);
        Assert.Contains(",org_123,team.created,", rows[1], StringComparison.Ordinal);
        var json = JsonNode.Parse(await emulator.Http.GetStringAsync(((string)polled["url"]!).Replace(".csv", ".json", StringComparison.Ordinal)))!.AsArray();
        Assert.Equal("team.created", (string?)Assert.Single(json)!["action"]);

        var tooOld = await emulator.Http.PostAsync("audit_logs/exports", Json($$"""{"organization_id":"org_123","range_start":"{{Recent(24 * 100)}}","range_end":"{{Recent(0)}}"}"""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooOld.StatusCode);
    }

    [Fact]
    public async Task Retention_takes_30_or_365_days()
    {
        await using var emulator = await Emulator.StartAsync();

        Assert.Equal(365, (int)(await emulator.Http.GetFromJsonAsync<JsonObject>("organizations/org_123/audit_logs_retention"))!["retention_period_in_days"]!);
        Assert.Equal(HttpStatusCode.OK, (await emulator.Http.PutAsync("organizations/org_123/audit_logs_retention", Json("""{"retention_period_in_days":30}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await emulator.Http.PutAsync("organizations/org_123/audit_logs_retention", Json("""{"retention_period_in_days":31}"""))).StatusCode);
        Assert.Equal(30, (int)(await emulator.Http.GetFromJsonAsync<JsonObject>("organizations/org_123/audit_logs_retention"))!["retention_period_in_days"]!);

        // What the official node SDK sends; every answer carries a request id for the SDK's errors.
        var fromSdk = await emulator.Http.PutAsync("organizations/org_123/audit_logs_retention", Json("""{"retention_period":"1_YEAR"}"""));
        Assert.Equal(HttpStatusCode.OK, fromSdk.StatusCode);
        Assert.True(Guid.TryParse(fromSdk.Headers.GetValues("X-Request-ID").Single(), out _));
        Assert.Equal(365, (int)(await emulator.Http.GetFromJsonAsync<JsonObject>("organizations/org_123/audit_logs_retention"))!["retention_period_in_days"]!);
    }

    [Fact]
    public async Task Injected_faults_answer_the_configured_status_with_Retry_After_or_drop_the_connection()
    {
        await using var emulator = await Emulator.StartAsync(new Dictionary<string, string?>
        {
            ["Emulator:Faults:StatusRates:429"] = "1",
            ["Emulator:Faults:RetryAfterSeconds"] = "7",
        });

        var limited = await PostEventAsync(emulator, ValidBody);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), limited.Headers.RetryAfter?.Delta);
        Assert.Equal("""{"message":"Too many requests.","code":"rate_limit_exceeded"}""", await limited.Content.ReadAsStringAsync());

        emulator.Options.Faults.StatusRates.Clear();
        emulator.Options.Faults.DropConnectionRate = 1;
        await Assert.ThrowsAsync<HttpRequestException>(() => PostEventAsync(emulator, ValidBody));
        Assert.Empty(await emulator.ReceivedAsync());
        var injected = (await emulator.StatsAsync())["injected"]!;
        Assert.Equal(1, (int)injected["429"]!);
        Assert.Equal(1, (int)injected["drop"]!);
    }

    private static string Recent(int hoursAgo) =>
        DateTimeOffset.UtcNow.AddHours(-hoursAgo).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<HttpResponseMessage> PostEventAsync(Emulator emulator, string body, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "audit_logs/events") { Content = Json(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return await emulator.Http.SendAsync(request);
    }
}
