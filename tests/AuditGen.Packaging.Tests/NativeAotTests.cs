using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuditGen.Tests.Processes;

namespace AuditGen.Packaging.Tests;

/// <summary>
/// The test app built with the Request Delegate Generator, published with Native AOT as a user's AOT app would be: no trim
/// or AOT warning comes from AuditGen, and the native binary records audited requests in a log that verifies. In the
/// packing tests' collection, so that no two of them build the same projects in Release at once.
/// </summary>
[Collection(PackedAuditGenDefinition.Name)]
public sealed class NativeAotTests : IDisposable
{
    private static readonly string[] s_runtimeNamespaces =
        ["AuditGen.Events", "AuditGen.Catalog", "AuditGen.Internal", "AuditGen.Ledger", "AuditGen.Pipeline", "AuditGen.Stores", "AuditGen.Sinks", "AuditGen.Export", "AuditGen.HealthChecks", "AuditGen.AspNetCore", "AuditGen.Generated"];

    private readonly string _directory = Directory.CreateTempSubdirectory("auditgen-aot-").FullName;

    [Fact]
    public async Task The_native_binary_records_audited_requests_and_AuditGen_raises_no_trim_or_AOT_warning()
    {
        var output = Path.Combine(_directory, "app");
        var arguments = new List<string>
        {
            "publish", "tests/TestApps/AuditGen.TestApi.Rdg/AuditGen.TestApi.Rdg.csproj", "-c", "Release", "-r", "linux-x64", "-o", output,
            // The app's own MVC controllers raise AOT warnings (MVC does not support AOT); AuditGen's must not.
            "-p:AuditGenNativeAot=true", "-p:TreatWarningsAsErrors=false",
        };
        if (OnPath("clang") is null && OnPath("clang-14") is not null)
        {
            arguments.Add("-p:CppCompilerAndLinker=clang-14");
        }

        var publish = await DotnetCli.RunAsync(DotnetCli.RepositoryRoot, [.. arguments]);

        Assert.True(publish.ExitCode == 0, publish.Output);
        var fromAuditGen = publish.Output.Split('\n')
            .Where(static line => line.Contains("warning IL", StringComparison.Ordinal) && s_runtimeNamespaces.Any(ns => line.Contains(ns + ".", StringComparison.Ordinal)))
            .ToArray();
        Assert.True(fromAuditGen.Length == 0, string.Join('\n', fromAuditGen));

        await using var app = await WebAppProcess.StartAsync(
            Path.Combine(output, "AuditGen.TestApi.Rdg"),
            new Dictionary<string, string> { ["AuditGen__Sqlite__Path"] = Path.Combine(_directory, "audit.db") },
            "/_test/mode");
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        var team = $"team_{Guid.NewGuid():N}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/teams/{team}/members") { Content = JsonContent.Create(new { userId = "user_grace", role = "admin" }) };
        request.Headers.TryAddWithoutValidation("Authorization", "Test sub=user_ada;name=Ada Lovelace;org_id=org_acme");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        string? stored = null;
        for (var attempt = 0; attempt < 100 && stored is null; attempt++)
        {
            stored = (await client.GetFromJsonAsync<string[]>("/_test/events"))!.FirstOrDefault(e => e.Contains(team, StringComparison.Ordinal));
            await Task.Delay(50);
        }

        Assert.NotNull(stored);
        Assert.Contains("\"action\":\"team.member_added\"", stored, StringComparison.Ordinal);
        Assert.Contains("{\"type\":\"user\",\"id\":\"user_grace\"}", stored, StringComparison.Ordinal);
        Assert.Contains("\"role\":\"admin\"", stored, StringComparison.Ordinal);
        var verification = await client.GetFromJsonAsync<JsonElement>("/_test/verify");
        Assert.True(verification.GetProperty("isIntact").GetBoolean(), verification.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(directory => Path.Combine(directory, program)).FirstOrDefault(File.Exists);
}
