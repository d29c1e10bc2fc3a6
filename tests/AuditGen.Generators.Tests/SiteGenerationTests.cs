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
    public void Sites_that_read_their_sources_alike_share_one_class_and_keep_their_own_identity()
    {
        const string Teams = """
            using AuditGen;

            public static class Teams
            {
                [Audited("team.archived")]
                public static string Archive([AuditTarget("team")] string teamId) => teamId;

                [Audited("team.restored")]
                public static string Restore([AuditTarget("team")] string teamId) => teamId;

                [Audited("invoice.voided")]
                public static string Void([AuditTarget("invoice")] string invoiceId) => invoiceId;
            }
            """;
        var (output, result) = GeneratorHarness.Run(GeneratorHarness.Compile([("/src/Teams.cs", Teams)]));

        var sites = GeneratorHarness.Source(result, "AuditGen.Sites.g.cs");
        Assert.Equal(2, sites.Split("file sealed class AuditSite").Length - 1);

        var assembly = GeneratorHarness.Load(output);
        var found = AuditedAttributesIn(assembly).ToDictionary(a => a.Action, a => (Attribute: a, Site: AuditCatalog.Find(a, assembly.ManifestModule)!));
        Assert.Equal(["invoice.voided", "team.archived", "team.restored"], found.Keys.Order(StringComparer.Ordinal));
        foreach (var (action, (attribute, site)) in found)
        {
            Assert.Equal(action, site.Action);
            Assert.Equal(attribute.SourceLineNumber, site.SourceLineNumber);
            var draft = new AuditGen.Events.AuditEventDraft();
            site.CaptureFromArguments(["id_1"], draft);
            var target = Assert.Single(draft.Targets);
            Assert.Equal((action.StartsWith("team", StringComparison.Ordinal) ? "team" : "invoice", "id_1"), (target.Type, target.Id));
        }

        Assert.NotSame(found["team.archived"].Site, found["team.restored"].Site);
        Assert.Same(found["team.archived"].Site.GetType(), found["team.restored"].Site.GetType());
        Assert.NotSame(found["team.archived"].Site.GetType(), found["invoice.voided"].Site.GetType());
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
