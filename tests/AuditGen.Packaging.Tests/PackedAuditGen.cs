namespace AuditGen.Packaging.Tests;

/// <summary>Packs the real AuditGen and AuditGen.PostgreSql packages once, into a local feed that fresh projects restore from.</summary>
public sealed class PackedAuditGen : IAsyncLifetime
{
    private readonly string _workspace = Directory.CreateTempSubdirectory("auditgen-pack-").FullName;

    public string Version { get; } = $"0.1.0-pack.{DateTime.UtcNow:yyyyMMddHHmmss}";

    public string Feed => Path.Combine(_workspace, "feed");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        foreach (var project in (string[])["src/AuditGen/AuditGen.csproj", "src/AuditGen.PostgreSql/AuditGen.PostgreSql.csproj"])
        {
            var pack = await DotnetCli.RunAsync(DotnetCli.RepositoryRoot, "pack", project, "-c", "Release", "-o", Feed, $"-p:Version={Version}");
            Assert.True(pack.ExitCode == 0, pack.Output);
        }
    }

    /// <summary>A new project folder with a nuget.config (only the local feed) and a project file referencing <paramref name="package"/>.</summary>
    public string NewProject(string name, string extraProperties = "", string package = "AuditGen")
    {
        var directory = Directory.CreateDirectory(Path.Combine(_workspace, name)).FullName;
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="auditgen" value="{Feed}" />
                <add key="restored" value="{GlobalPackagesFolder}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, $"{name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{Path.Combine(directory, "packages")}</RestorePackagesPath>
                {extraProperties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{package}" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        return directory;
    }

    /// <summary>
    /// The packages the solution's own restore already fetched (Microsoft.Data.Sqlite and its native
    /// bundle): a second, offline source, so the consumer restores without the network.
    /// </summary>
    private static string GlobalPackagesFolder =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public Task DisposeAsync()
    {
        Directory.Delete(_workspace, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class PackedAuditGenDefinition : ICollectionFixture<PackedAuditGen>
{
    public const string Name = "packed AuditGen";
}
