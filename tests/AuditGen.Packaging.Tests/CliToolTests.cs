namespace AuditGen.Packaging.Tests;

/// <summary>The README's way to get the CLI: pack it, install it as a dotnet tool, run <c>auditgen</c>.</summary>
[Collection(PackedAuditGenDefinition.Name)]
public sealed class CliToolTests(PackedAuditGen package)
{
    [Fact]
    public async Task The_packed_tool_installs_and_its_auditgen_command_runs_with_SQLite()
    {
        var pack = await DotnetCli.RunAsync(DotnetCli.RepositoryRoot, "pack", "src/AuditGen.Cli/AuditGen.Cli.csproj", "-c", "Release", "-o", package.Feed, $"-p:Version={package.Version}");
        Assert.True(pack.ExitCode == 0, pack.Output);
        var project = package.NewProject("tool-user");
        var tools = Path.Combine(project, "tools");

        var install = await DotnetCli.RunAsync(project, "tool", "install", "AuditGen.Cli", "--version", package.Version, "--tool-path", tools);
        Assert.True(install.ExitCode == 0, install.Output);
        var auditgen = Path.Combine(tools, "auditgen");

        var help = await DotnetCli.RunProgramAsync(auditgen, project, "--help");
        Assert.True(help.ExitCode == 0, help.Output);
        Assert.Contains("Exit codes:", help.Output, StringComparison.Ordinal);

        // An empty file opens as an empty SQLite database (so the native SQLite library loads) that is not an audit log.
        var empty = Path.Combine(project, "empty.db");
        await File.WriteAllBytesAsync(empty, []);
        var stats = await DotnetCli.RunProgramAsync(auditgen, project, "stats", "--db", empty);
        Assert.True(stats.ExitCode == 3, stats.Output);
        Assert.Equal($"auditgen: '{empty}' is not an AuditGen audit log.", stats.Output.Trim());
    }
}
