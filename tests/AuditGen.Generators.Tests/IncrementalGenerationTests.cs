using System.Reflection;
using AuditGen.Generators.Model;
using AuditGen.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AuditGen.Generators.Tests;

public class IncrementalGenerationTests
{
    private const string Handlers = """
        public static class Handlers
        {
            [AuditGen.Audited("user.signed_in")]
            public static void SignIn() { }
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
        Type[] forbidden = [typeof(ISymbol), typeof(Compilation), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(SemanticModel)];
        var modelTypes = typeof(TrackingNames).Assembly.GetTypes().Where(t => t.Namespace == typeof(AuditSiteSpec).Namespace).ToArray();
        Assert.NotEmpty(modelTypes);

        var offending = modelTypes
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            .Where(p => forbidden.Any(f => f.IsAssignableFrom(p.PropertyType) || p.PropertyType.GetGenericArguments().Any(f.IsAssignableFrom)))
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");

        Assert.Empty(offending);
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
