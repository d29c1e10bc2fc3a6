using System.Text;

namespace AuditGen.AspNetCore.Tests;

/// <summary>Requests refused before the handler runs (wrong content type, malformed or oversized body) are recorded as failures.</summary>
[Collection(TestAppsCollectionDefinition.Name)]
public sealed class RefusalTests(TestApis apps)
{
    private const string Ada = "Test sub=user_ada;name=Ada Lovelace;org_id=org_acme";

    public static TheoryData<string, string> Refusals => new()
    {
        { "runtime", "415" }, { "rdg", "415" },
        { "runtime", "400" }, { "rdg", "400" },
        { "runtime", "413" }, { "rdg", "413" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_body_refused_before_the_handler_is_recorded_with_its_status_and_the_route_s_target(string mode, string refusal)
    {
        var app = apps[mode];
        var team = $"team_{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/teams/{team}/members")
        {
            Content = refusal switch
            {
                "415" => new StringContent("userId=user_grace", Encoding.UTF8, "text/plain"),
                "400" => new StringContent("{\"userId\": ", Encoding.UTF8, "application/json"),
                _ => new ByteArrayContent(new byte[31 * 1024 * 1024]) { Headers = { { "Content-Type", "application/json" } } },
            },
        };
        request.Headers.TryAddWithoutValidation("Authorization", Ada);

        // Over Kestrel's 30 MB limit the server answers before reading the body; the client waits for that answer.
        request.Headers.ExpectContinue = refusal == "413";

        using var response = await app.Client.SendAsync(request);

        Assert.Equal(int.Parse(refusal, System.Globalization.CultureInfo.InvariantCulture), (int)response.StatusCode);
        var body = (await app.EventsAsync(e => e.HasTarget("team", team))).Single();
        Assert.Equal("failure", body.Metadata().GetProperty("outcome").GetString());
        Assert.Equal((int)response.StatusCode, body.Metadata().GetProperty("status_code").GetInt32());
    }
}
