namespace AuditGen.Packaging.Tests;

/// <summary>What a user sees in CI: a real `dotnet build` of a project with violations, against the packed package.</summary>
[Collection(PackedAuditGenDefinition.Name)]
public sealed class BuildDiagnosticsTests(PackedAuditGen package)
{
    [Fact]
    public async Task Violations_appear_in_the_build_output_with_file_line_and_rule_and_editorconfig_and_pragma_are_honoured()
    {
        var project = package.NewProject("violations", "<TreatWarningsAsErrors>false</TreatWarningsAsErrors>");
        File.WriteAllText(Path.Combine(project, ".editorconfig"), """
            root = true

            [*.cs]
            dotnet_diagnostic.AG0011.severity = none
            dotnet_diagnostic.AG0001.severity = error
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), """
            using AuditGen;

            Console.WriteLine("built");

            public static class Endpoints
            {
                [Audited("User.SignedIn")]
                [AuditMetadata("plan tier", "pro")]
                public static void SignIn([AuditTarget("user")] string userId, [AuditMetadata("note")] string note, [AuditMetadata("password")][System.ComponentModel.DataAnnotations.MaxLength(50)] string password) { }

                private sealed record Secret([property: AuditTarget("vault")] string VaultId);

                [Audited("vault.opened")]
                private static void Open(Secret body, [AuditTarget("door")] string door) { }

                [Audited("note.added")]
            #pragma warning disable AG0006
                public static void Note([AuditTarget("note")] string id, [AuditMetadata("text")] string text) { }
            #pragma warning restore AG0006
            }
            """);

        var build = await DotnetCli.RunAsync(project, "build", "-nologo", "-v:quiet", "-clp:NoSummary");

        Assert.NotEqual(0, build.ExitCode);
        var programCs = Path.Combine(project, "Program.cs");
        Assert.True(build.Output.Contains($"{programCs}(7,14): error AG0001: Action 'User.SignedIn' should be lowercase", StringComparison.Ordinal), build.Output);
        Assert.True(build.Output.Contains($"{programCs}(8,20): error AG0003: Metadata key 'plan tier' contains ' '", StringComparison.Ordinal), build.Output);
        Assert.True(build.Output.Contains($"{programCs}(9,69): warning AG0006: 'note' is a string metadata source with no [MaxLength]", StringComparison.Ordinal), build.Output);
        Assert.False(build.Output.Contains("AG0011", StringComparison.Ordinal), build.Output);
        Assert.True(build.Output.Contains($"{programCs}(14,37): error AG1001: 'body' of type 'Endpoints.Secret'", StringComparison.Ordinal), build.Output);
        Assert.False(build.Output.Contains("(18,", StringComparison.Ordinal), build.Output);
        Assert.False(build.Output.Contains("CS8032", StringComparison.Ordinal), build.Output);
        Assert.False(build.Output.Contains("CS8034", StringComparison.Ordinal), build.Output);
    }
}
