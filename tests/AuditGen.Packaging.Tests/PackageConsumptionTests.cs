using System.IO.Compression;
using AuditGen.Tests.Processes;

namespace AuditGen.Packaging.Tests;

/// <summary>
/// The user-facing promise: one package reference brings the runtime, the generator and the analyzers, and the
/// PostgreSQL store is one more package. Packs the real packages, then builds and runs fresh projects that reference
/// only the .nupkg files.
/// </summary>
[Collection(PackedAuditGenDefinition.Name)]
public sealed class PackageConsumptionTests(PackedAuditGen package)
{
    [Fact]
    public async Task Consumer_of_the_packed_nupkg_builds_with_warnings_as_errors_and_gets_generated_code()
    {
        var nupkg = Path.Combine(package.Feed, $"AuditGen.{package.Version}.nupkg");
        using (var archive = ZipFile.OpenRead(nupkg))
        {
            var entries = archive.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("lib/net10.0/AuditGen.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/AuditGen.Generators.dll", entries);
            Assert.Contains("analyzers/dotnet/cs/AuditGen.CodeFixes.dll", entries);
            Assert.Contains("build/AuditGen.targets", entries);
            Assert.Contains("build/AuditGen.Build.dll", entries);
            Assert.Contains("buildTransitive/AuditGen.targets", entries);
            Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.EndsWith("AuditGen.Generators.dll", StringComparison.Ordinal));
            Assert.Contains("lib/net10.0/AuditGen.xml", entries);
            Assert.Contains("README.md", entries);
            using var nuspec = new StreamReader(archive.GetEntry("AuditGen.nuspec")!.Open());
            var manifest = await nuspec.ReadToEndAsync();
            Assert.Contains("<readme>README.md</readme>", manifest, StringComparison.Ordinal);
            Assert.Contains("<releaseNotes>## Unreleased", manifest, StringComparison.Ordinal);
            Assert.DoesNotContain("## 0.1.0", manifest, StringComparison.Ordinal);
            Assert.Contains("<dependency id=\"Microsoft.Data.Sqlite\"", manifest, StringComparison.Ordinal);
            Assert.DoesNotContain("<dependency id=\"Npgsql\"", manifest, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(Path.Combine(package.Feed, $"AuditGen.{package.Version}.snupkg")));

        var consumer = package.NewProject("consumer");
        WriteConsumer(consumer);

        var run = await DotnetCli.RunAsync(consumer, "run", "-c", "Release");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("site: user.signed_in Program.cs:7", run.Output, StringComparison.Ordinal);
        Assert.Contains("site: invoice.voided Program.cs:21", run.Output, StringComparison.Ordinal);
        Assert.Contains("lambda attribute resolved: True", run.Output, StringComparison.Ordinal);

        var schemasFile = Path.Combine(consumer, "bin", "Release", "net10.0", "auditgen.workos-schemas.json");
        Assert.True(File.Exists(schemasFile), run.Output);
        var schemas = await File.ReadAllTextAsync(schemasFile);
        Assert.Equal(
            """{"invoice.voided":{"targets":[{"type":"invoice"}],"metadata":{"type":"object","properties":{"authorization":{"type":"string"},"exception":{"type":"string"},"outcome":{"type":"string"},"reason":{"type":"string"},"status_code":{"type":"number"}}}}}""",
            schemas);
        Assert.Contains($"runtime schemas: {schemas}", run.Output, StringComparison.Ordinal);

        // The embedded default brings no PostgreSQL client.
        var assets = await File.ReadAllTextAsync(Path.Combine(consumer, "obj", "project.assets.json"));
        Assert.Contains("\"Microsoft.Data.Sqlite/", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", assets, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consumer_of_AuditGen_PostgreSql_stores_verifies_and_reads_back_events_in_a_real_server()
    {
        var server = new PostgresServer();
        await server.InitializeAsync();
        try
        {
            await RunPostgreSqlConsumerAsync(server.ConnectionString);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private async Task RunPostgreSqlConsumerAsync(string connectionString)
    {
        var consumer = package.NewProject("postgresql-consumer", package: "AuditGen.PostgreSql");
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using AuditGen;
            using AuditGen.Events;
            using AuditGen.Pipeline;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            var builder = Host.CreateApplicationBuilder(args);
            builder.Services.AddAuditGen().UsePostgreSql();
            using var host = builder.Build();
            await host.StartAsync();

            var writer = host.Services.GetRequiredService<IAuditEventWriter>();
            for (var i = 0; i < 3; i++)
            {
                await writer.WriteAsync(new AuditEvent
                {
                    Action = "invoice.voided",
                    OrganizationId = "org_acme",
                    OccurredAt = DateTimeOffset.UtcNow,
                    Actor = new AuditActor { Type = "user", Id = "user_1" },
                    Targets = [new AuditTarget { Type = "invoice", Id = $"inv_{i}" }],
                    Context = new AuditContext { Location = "127.0.0.1" },
                });
            }

            await host.StopAsync();
            var log = host.Services.GetRequiredService<IAuditLog>();
            Console.WriteLine($"stored: {await log.CountAsync(new AuditQuery { OrganizationId = "org_acme" }, CancellationToken.None)}");
            Console.WriteLine($"intact: {(await log.VerifyAsync(CancellationToken.None)).IsIntact}");
            """);

        var run = await DotnetCli.RunAsync(consumer, "run", "-c", "Release", "--",
            $"--AuditGen:PostgreSql:ConnectionString={connectionString}", "--AuditGen:PostgreSql:Schema=consumer");

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("stored: 3", run.Output, StringComparison.Ordinal);
        Assert.Contains("intact: True", run.Output, StringComparison.Ordinal);
        var assets = await File.ReadAllTextAsync(Path.Combine(consumer, "obj", "project.assets.json"));
        Assert.Contains("\"Npgsql/", assets, StringComparison.Ordinal);

        using var archive = ZipFile.OpenRead(Path.Combine(package.Feed, $"AuditGen.PostgreSql.{package.Version}.nupkg"));
        Assert.Contains("README.md", archive.Entries.Select(static e => e.FullName));
        Assert.Contains("lib/net10.0/AuditGen.PostgreSql.xml", archive.Entries.Select(static e => e.FullName));
        using var nuspec = new StreamReader(archive.GetEntry("AuditGen.PostgreSql.nuspec")!.Open());
        var manifest = await nuspec.ReadToEndAsync();
        Assert.Contains($"<dependency id=\"AuditGen\" version=\"[{package.Version}]\"", manifest, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(package.Feed, $"AuditGen.PostgreSql.{package.Version}.snupkg")));
    }

    private static void WriteConsumer(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "Program.cs"), """
            using System.Reflection;
            using AuditGen;
            using AuditGen.Catalog;

            Func<string, string> handler =

                [Audited("user.signed_in")] (string user) => user;

            foreach (var site in AuditCatalog.Sites)
            {
                Console.WriteLine($"site: {site.Action} {Path.GetFileName(site.SourceFilePath)}:{site.SourceLineNumber}");
            }

            var attribute = handler.Method.GetCustomAttribute<AuditedAttribute>()!;
            Console.WriteLine($"lambda attribute resolved: {AuditCatalog.Find(attribute, handler.Method.Module) is not null}");

            Console.WriteLine($"runtime schemas: {AuditCatalog.WorkOsSchemasJson}");

            static class Invoices
            {
                [Audited("invoice.voided")]
                public static void Void([AuditTarget("invoice")] string id, [AuditMetadata("reason")][System.ComponentModel.DataAnnotations.MaxLength(200)] string reason) { }
            }
            """);
    }
}
