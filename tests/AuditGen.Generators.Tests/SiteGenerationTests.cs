using System.Collections.Immutable;
using System.Reflection;
using AuditGen.Catalog;
using AuditGen.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Tests;

public class SiteGenerationTests
{
    private const string Program = """
        using AuditGen;

        public static class Handlers
        {
            [Audited("invoice.voided")]
            public static string Void(string id) => id;

            public static System.Func<string, string> Lambda() =>
                [Audited("team.renamed")] (string name) => name;

            public static string Local()
            {
                return Inner("x");

                [Audited("api_key.rotated")]
                static string Inner(string value) => value;
            }
        }

        [Audited("report.viewed")]
        public sealed class ReportsController
        {
            [Audited("report.exported")]
            public string Export() => "csv";
        }
        """;

    [Fact]
    public void Every_annotation_style_is_found_and_the_output_compiles_without_warnings()
    {
        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile([("/src/app/Handlers.cs", Program)]));

        Assert.Equal(["AuditGen.EventBuilders.g.cs", "AuditGen.Sites.g.cs"], result.GeneratedSources.Select(s => s.HintName).Order());
        Baseline.Verify("Sites.g.cs", GeneratorHarness.Source(result, "AuditGen.Sites.g.cs"));
    }

    [Fact]
    public void Generated_sites_are_the_ones_the_runtime_attribute_reports_even_under_PathMap()
    {
        var resolver = new SourceFileResolver(ImmutableArray<string>.Empty, null, [new KeyValuePair<string, string>("/home/dev/repo/", "/_/")]);
        var input = GeneratorHarness.Compile([("/home/dev/repo/src/Handlers.cs", Program)], resolver);
        var (output, _) = GeneratorHarness.Run(input);

        var assembly = GeneratorHarness.Load(output);

        var attributes = AuditedAttributesIn(assembly).ToArray();
        Assert.Equal(5, attributes.Length);
        foreach (var attribute in attributes)
        {
            Assert.Equal("/_/src/Handlers.cs", attribute.SourceFilePath);
            var site = AuditCatalog.Find(attribute, assembly.ManifestModule);
            Assert.NotNull(site);
            Assert.Equal(attribute.Action, site.Action);
        }
    }

    [Fact]
    public void No_attribute_means_no_generated_file()
    {
        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile([("/src/Plain.cs", "public static class Plain { public static int One() => 1; }")]));

        Assert.Empty(result.GeneratedSources);
    }

    [Fact]
    public void Output_is_the_same_whatever_the_order_of_files()
    {
        var a = ("/src/A.cs", "public static class A { [AuditGen.Audited(\"b.created\")] public static void M() { } }");
        var b = ("/src/B.cs", "public static class B { [AuditGen.Audited(\"a.created\")] public static void M() { } }");

        var (_, forward) = GeneratorHarness.Run(GeneratorHarness.Compile([a, b]));
        var (_, backward) = GeneratorHarness.Run(GeneratorHarness.Compile([b, a]));

        Assert.Equal(GeneratorHarness.Source(forward, "AuditGen.Sites.g.cs"), GeneratorHarness.Source(backward, "AuditGen.Sites.g.cs"));
        Assert.Equal(GeneratorHarness.Source(forward, "AuditGen.EventBuilders.g.cs"), GeneratorHarness.Source(backward, "AuditGen.EventBuilders.g.cs"));
    }

    private static IEnumerable<AuditedAttribute> AuditedAttributesIn(Assembly assembly)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetTypes())
        {
            if (type.GetCustomAttribute<AuditedAttribute>() is { } onType)
            {
                yield return onType;
            }

            foreach (var method in type.GetMethods(All))
            {
                if (method.GetCustomAttribute<AuditedAttribute>() is { } onMethod)
                {
                    yield return onMethod;
                }
            }
        }
    }
}
