using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace AuditGen.AspNetCore.Tests;

/// <summary>
/// Hostile input cannot make an event, or the process, large: every string of an event is cut before it is queued. The
/// sign-in endpoint takes its actor from the e-mail typed in, as the sample's does.
/// </summary>
[Collection(TestAppsCollectionDefinition.Name)]
public sealed class FieldBoundTests(TestApis apps)
{
    private const int MaxFieldLength = 1_024;

    public static TheoryData<string> Modes => new() { "runtime", "rdg" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_1_MiB_e_mail_is_stored_cut_to_the_bound_and_the_request_is_answered_as_usual(string mode)
    {
        var app = apps[mode];
        var email = MebibyteEmail(out var prefix);

        using var response = await app.Client.SendAsync(SignIn(email));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var body = (await app.EventsAsync(e => ActorId(e).StartsWith(prefix, StringComparison.Ordinal))).Single();
        Assert.Equal(email[..MaxFieldLength], ActorId(body));
    }

    [Fact]
    public async Task A_thousand_requests_carrying_1_MiB_ids_leave_the_heap_where_it_was()
    {
        var app = apps["runtime"];
        var email = MebibyteEmail(out var prefix);
        var before = await app.Client.GetFromJsonAsync<long>("/_test/heap");

        await Parallel.ForAsync(0, 1_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, cancellationToken) =>
        {
            using var response = await app.Client.SendAsync(SignIn(email), cancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        });
        var stored = await app.EventsAsync(e => ActorId(e).StartsWith(prefix, StringComparison.Ordinal), count: 1_000);
        var after = await app.Client.GetFromJsonAsync<long>("/_test/heap");

        // Unbounded, the thousand events alone would hold 2 GiB of strings (1 MiB ids, in UTF-16).
        Assert.All(stored, static body => Assert.InRange(body.GetRawText().Length, 1, 4 * MaxFieldLength));
        Assert.InRange(after - before, long.MinValue, 64L << 20);
    }

    private static string MebibyteEmail(out string prefix)
    {
        prefix = $"x{Guid.NewGuid():N}";
        return prefix + new string('x', (1 << 20) - prefix.Length - "@example.com".Length) + "@example.com";
    }

    private static string ActorId(JsonElement body) => body.GetProperty("event").GetProperty("actor").GetProperty("id").GetString()!;

    private static HttpRequestMessage SignIn(string email) =>
        MinimalApiShapeTests.Request(HttpMethod.Post, "/sign-in", authorization: null, new { email, password = "wrong" });
}
