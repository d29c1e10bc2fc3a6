using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AuditGen.AspNetCore.Tests;

[Collection(TestAppsCollectionDefinition.Name)]
public sealed class StrictModeTests(TestApis apps)
{
    public static TheoryData<string> Modes => MinimalApiShapeTests.Modes;

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task A_strict_actions_event_is_already_committed_when_its_response_arrives(string mode)
    {
        var app = apps[mode];
        var note = MinimalApiShapeTests.Unique("note");

        using var response = await app.Client.PutAsync($"/strict/notes/{note}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await app.Client.GetFromJsonAsync<string[]>("/_test/events");
        var body = Assert.Single(stored!.Select(json => JsonDocument.Parse(json).RootElement), e => e.HasTarget("note", note));
        Assert.Equal("""{"outcome":"success","status_code":200}""", body.Metadata().GetRawText());
        Assert.True(await app.Client.GetFromJsonAsync<int>("/_test/measurements/auditgen.strict.wait.duration") > 0);
    }

    [Fact]
    public async Task A_strict_MVC_actions_event_is_already_committed_when_its_response_arrives()
    {
        var app = apps["runtime"];
        var team = MinimalApiShapeTests.Unique("team");

        using var response = await app.Client.PutAsync($"/mvc/teams/{team}/lock", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = await app.Client.GetFromJsonAsync<string[]>("/_test/events");
        var body = Assert.Single(stored!.Select(json => JsonDocument.Parse(json).RootElement), e => e.HasTarget("team", team));
        Assert.Equal("team.locked", body.Action());
    }
}

/// <summary>Strict mode against a store that cannot commit, and against a crash; each test has its own app process and database.</summary>
public sealed class StrictModeFailureTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("auditgen-strict-").FullName;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [Fact]
    public async Task When_the_store_cannot_commit_a_strict_request_fails_closed_with_503_and_other_requests_still_succeed()
    {
        await using var app = await TestApiProcess.StartAsync("TestApiPath", new Dictionary<string, string> { ["AuditGen__StrictCommitTimeout"] = "00:00:01" }, DatabasePath);
        using (var warmUp = await app.Client.PutAsync("/strict/notes/warm-up", null))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);
        }

        var note = MinimalApiShapeTests.Unique("note");
        using (var locker = new SqliteConnection($"Data Source={DatabasePath}.batches;Pooling=False"))
        {
            // Another process holds the write lock of the file batches are committed to: the app's commits wait past the strict timeout.
            locker.Open();
            using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                begin.ExecuteNonQuery();
            }

            using var refused = await app.Client.PutAsync($"/strict/notes/{note}", null);
            using var refusedMvc = await app.Client.PutAsync($"/mvc/teams/{note}/lock", null);
            using var ordinary = await app.Client.SendAsync(MinimalApiShapeTests.Request(HttpMethod.Get, "/ping/while-locked", "Test sub=user_ada;org_id=org_acme"));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Contains("The audit log could not record this action.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedMvc.StatusCode);
            Assert.Contains("The audit log could not record this action.", await refusedMvc.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, ordinary.StatusCode);
            Assert.Contains("fail-closed", app.Output, StringComparison.Ordinal);
        }

        // The lock is gone: the refused requests' events were kept queued, and are now stored.
        await app.EventsAsync(e => e.HasTarget("note", note));
        await app.EventsAsync(e => e.HasTarget("team", note));
    }

    [Fact]
    public async Task After_SIGKILL_under_strict_load_every_acknowledged_event_is_stored_the_chain_verifies_and_delivery_resumes()
    {
        var delivered = Path.Combine(_directory, "delivered.txt");
        var environment = new Dictionary<string, string> { ["TestSink__Path"] = delivered };
        var acknowledged = new ConcurrentBag<string>();

        await using (var app = await TestApiProcess.StartAsync("TestApiPath", environment, DatabasePath))
        {
            using var load = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
            {
                for (var i = 0; !load.IsCancellationRequested; i++)
                {
                    var note = $"note_{writer}_{i}";
                    try
                    {
                        using var response = await app.Client.PutAsync($"/strict/notes/{note}", null, load.Token);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Add(note);
                        }
                    }
                    catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
                    {
                        // The process is gone mid-request: that request was never acknowledged.
                    }
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(2));
            await app.KillAsync();
            await load.CancelAsync();
            await Task.WhenAll(writers);
        }

        Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} requests were acknowledged before the kill");

        await using var restarted = await TestApiProcess.StartAsync("TestApiPath", environment, DatabasePath);
        var stored = (await restarted.Client.GetFromJsonAsync<string[]>("/_test/events"))!
            .Select(json => JsonDocument.Parse(json).RootElement)
            .SelectMany(e => e.GetProperty("event").GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("id").GetString()!))
            .ToHashSet();
        var lost = acknowledged.Where(note => !stored.Contains(note)).ToArray();
        Assert.True(lost.Length == 0, $"{lost.Length} of {acknowledged.Count} acknowledged events are missing, e.g. {string.Join(", ", lost.Take(5))}");

        var verification = await restarted.Client.GetFromJsonAsync<JsonElement>("/_test/verify");
        Assert.True(verification.GetProperty("isIntact").GetBoolean(), verification.GetRawText());

        var storedIds = (await restarted.Client.GetFromJsonAsync<string[]>("/_test/events"))!
            .Select(json => JsonDocument.Parse(json).RootElement).Count();
        await WaitForAsync(() => File.Exists(delivered) && File.ReadAllLines(delivered).Distinct().Count() >= storedIds, "delivery to catch up after the restart");
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }
}
