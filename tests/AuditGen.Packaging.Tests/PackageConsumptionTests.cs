using System.IO.Compression;

namespace AuditGen.Packaging.Tests;

/// <summary>
/// The user-facing promise: one package reference brings the runtime, the generator and the analyzers.
/// Packs the real package, then builds and runs a fresh project that references only the .nupkg.
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
        }

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
            """{"invoice.voided":{"targets":[{"type":"invoice"}],"metadata":{"type":"object","properties":{"exception":{"type":"string"},"outcome":{"type":"string"},"reason":{"type":"string"},"status_code":{"type":"number"}}}}}""",
            schemas);
        Assert.Contains($"runtime schemas: {schemas}", run.Output, StringComparison.Ordinal);
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
