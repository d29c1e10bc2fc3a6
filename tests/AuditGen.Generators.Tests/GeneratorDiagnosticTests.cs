using AuditGen.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Tests;

/// <summary>Shapes the generator cannot serve are reported where they are written, never ignored and never a crash.</summary>
public class GeneratorDiagnosticTests
{
    [Fact]
    public void Source_of_a_type_generated_code_cannot_name_is_an_error_at_the_parameter()
    {
        const string Source = """
            using AuditGen;

            public static class Endpoints
            {
                private sealed record Secret([property: AuditTarget("vault")] string VaultId);

                [Audited("vault.opened")]
                private static void Open(Secret body, [AuditTarget("door")] string doorId) { }
            }
            """;

        var (output, result, diagnostics) = GeneratorHarness.RunReporting(GeneratorHarness.Compile([("/src/Endpoints.cs", Source)]));

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("AG1001", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("'body' of type 'Endpoints.Secret' is declared as an audit source, but generated code cannot name that type; make it internal or public", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(new Microsoft.CodeAnalysis.Text.LinePosition(7, 36), diagnostic.Location.GetLineSpan().StartLinePosition);
        Assert.Contains("draft.AddTarget(\"door\"", GeneratorHarness.Source(result, "AuditGen.Sites.g.cs"), StringComparison.Ordinal);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Two_audited_sites_on_one_line_are_reported_and_left_out()
    {
        const string Source = """
            using AuditGen;
            public static class Endpoints
            {
                public static System.Func<int>[] All() => new System.Func<int>[] { [Audited("a.viewed")] () => 1, [Audited("b.viewed")] () => 2 };

                [Audited("c.viewed")]
                public static void C() { }
            }
            """;

        var (_, result, diagnostics) = GeneratorHarness.RunReporting(GeneratorHarness.Compile([("/src/Endpoints.cs", Source)]));

        Assert.Equal(["AG1002", "AG1002"], diagnostics.Select(d => d.Id));
        Assert.All(diagnostics, d => Assert.Equal(3, d.Location.GetLineSpan().StartLinePosition.Line));
        var sites = GeneratorHarness.Source(result, "AuditGen.Sites.g.cs");
        Assert.Contains("\"c.viewed\"", sites, StringComparison.Ordinal);
        Assert.DoesNotContain("\"a.viewed\"", sites, StringComparison.Ordinal);
    }
}
