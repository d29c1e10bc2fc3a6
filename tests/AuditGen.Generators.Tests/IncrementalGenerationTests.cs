using System.Reflection;
using AuditGen.Generators.Model;
using AuditGen.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AuditGen.Generators.Tests;

public class IncrementalGenerationTests
{
    private const string Handlers = """
        using AuditGen;

        public sealed record Body([property: AuditTarget("user")] string UserId, [property: AuditMetadata("role")] string Role);

        public static class Handlers
        {
            [Audited("user.signed_in")]
            [AuditMetadata("source", "web")]
            public static Body SignIn([AuditTarget("team")] string teamId, [AuditMetadata("attempt")] int attempt, Body body) => body;
        }
        """;

    private static readonly string[] s_trackedSteps = [TrackingNames.AuditedSites, TrackingNames.AuditedSiteCollection];

    [Fact]
    public void Running_again_on_the_same_compilation_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compile([("/src/Handlers.cs", Handlers)]);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        driver = driver.RunGenerators(compilation.Clone());

        AssertSteps(driver, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void An_edit_to_unrelated_code_leaves_every_step_cached_or_unchanged()
    {
        var compilation = GeneratorHarness.Compile([("/src/Handlers.cs", Handlers), ("/src/Other.cs", "public static class Other { }")]);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var other = compilation.SyntaxTrees.Single(t => t.FilePath == "/src/Other.cs");

        var edited = compilation.ReplaceSyntaxTree(other, other.WithChangedText(other.GetText().Replace(0, 0, "// an unrelated comment\n")));
        driver = driver.RunGenerators(edited);

        AssertSteps(driver, IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged);
    }

    [Fact]
    public void Editing_the_attribute_reports_the_site_as_modified()
    {
        var compilation = GeneratorHarness.Compile([("/src/Handlers.cs", Handlers)]);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();

        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Handlers.Replace("user.signed_in", "user.signed_out", StringComparison.Ordinal), (CSharpParseOptions)tree.Options, tree.FilePath));
        driver = driver.RunGenerators(edited);

        var reasons = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.AuditedSites]
            .SelectMany(step => step.Outputs).Select(output => output.Reason);
        Assert.Equal([IncrementalStepRunReason.Modified], reasons);
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_compilations_syntax_or_locations()
    {
        Type[] forbidden = [typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(SemanticModel), typeof(AttributeData)];
        var offending = new List<string>();
        var seen = new HashSet<Type>();

        // Walk every field reachable from the model the pipeline carries, through generic arguments too.
        void Walk(Type type, string path)
        {
            if (!seen.Add(type) || type.IsPrimitive || type == typeof(string))
            {
                return;
            }

            if (forbidden.Any(f => f.IsAssignableFrom(type)))
            {
                offending.Add(path);
                return;
            }

            foreach (var argument in type.GetGenericArguments())
            {
                Walk(argument, $"{path}<{argument.Name}>");
            }

            if (type.Assembly == typeof(AuditSiteSpec).Assembly)
            {
                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
                {
                    Walk(field.FieldType, $"{path}.{field.Name}");
                }
            }
        }

        Walk(typeof(AuditSiteSpec), nameof(AuditSiteSpec));

        Assert.Contains(typeof(CaptureSpec), seen);
        Assert.Empty(offending);
    }

    [Fact]
    public void Editing_a_bound_type_property_reaches_the_model()
    {
        var compilation = GeneratorHarness.Compile([("/src/Handlers.cs", Handlers)]);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();

        var edited = compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(Handlers.Replace("AuditMetadata(\"role\")", "AuditMetadata(\"team_role\")", StringComparison.Ordinal), (CSharpParseOptions)tree.Options, tree.FilePath));
        driver = driver.RunGenerators(edited);

        var reasons = driver.GetRunResult().Results.Single().TrackedSteps[TrackingNames.AuditedSites]
            .SelectMany(step => step.Outputs).Select(output => output.Reason);
        Assert.Equal([IncrementalStepRunReason.Modified], reasons);
    }

    private static void AssertSteps(GeneratorDriver driver, params IncrementalStepRunReason[] allowed)
    {
        var steps = driver.GetRunResult().Results.Single().TrackedSteps;
        foreach (var name in s_trackedSteps)
        {
            Assert.True(steps.ContainsKey(name), $"step {name} did not run");
            foreach (var output in steps[name].SelectMany(step => step.Outputs))
            {
                Assert.Contains(output.Reason, allowed);
            }
        }
    }
}
