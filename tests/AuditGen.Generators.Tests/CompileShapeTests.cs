using AuditGen.Generators.Tests.TestSupport;
using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Tests;

/// <summary>User code shapes that generated code must still compile against, warnings as errors.</summary>
public class CompileShapeTests
{
    [Fact]
    public void Overloaded_actions_of_an_audited_controller()
    {
        const string Source = """
            using AuditGen;
            using Microsoft.AspNetCore.Mvc;

            public sealed record Rename([property: AuditMetadata("name")] string Name);
            public sealed record Patch([property: AuditMetadata("field")] string Field);

            [ApiController]
            [Audited("team.updated")]
            public sealed class TeamsController : ControllerBase
            {
                [HttpPut("teams/{id}")]
                public IActionResult Update([AuditTarget("team")] string id, [FromBody] Rename body) => Ok();

                [HttpPatch("teams/{id}")]
                public IActionResult Update([AuditTarget("team")] string id, [FromBody] Patch body, [FromQuery] int version) => Ok();
            }
            """;

        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile([("/src/TeamsController.cs", Source)]));

        // It compiled (Run checks), so no switch repeats a label: each override has the overloads under one case.
        var overrides = GeneratorHarness.Source(result, "AuditGen.Sites.g.cs").Split("public override void").Skip(1).ToArray();
        Assert.All(overrides, body => Assert.True(System.Text.RegularExpressions.Regex.Count(body, "case \"Update\":") <= 1));
        Assert.Contains(overrides, body => body.Contains("global::Rename", StringComparison.Ordinal) && body.Contains("global::Patch", StringComparison.Ordinal));
    }

    [Fact]
    public void Keyword_property_names_and_parameter_names_that_match_generated_locals()
    {
        const string Source = """
            using AuditGen;

            public sealed record Body([property: AuditMetadata("kind")] string @event, [property: AuditTarget("class")] string @class);

            public static class Endpoints
            {
                [Audited("thing.done")]
                public static void Handle(Body draft, [AuditTarget("value")] string value, [AuditTarget("arguments")] string arguments, [AuditTarget("ctx")] string httpContext) { }
            }
            """;

        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile([("/src/Endpoints.cs", Source)]));

        Assert.Contains("argument0.@event", GeneratorHarness.Source(result, "AuditGen.Sites.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Non_finite_number_constants()
    {
        const string Source = """
            using AuditGen;

            public static class Endpoints
            {
                [Audited("ratio.set")]
                [AuditMetadata("nan", double.NaN)]
                [AuditMetadata("high", double.PositiveInfinity)]
                [AuditMetadata("low", double.NegativeInfinity)]
                public static void Handle() { }
            }
            """;

        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile([("/src/Endpoints.cs", Source)]));

        Assert.Contains("draft.Metadata[\"nan\"] = double.NaN;", GeneratorHarness.Source(result, "AuditGen.Sites.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Internal_getter_of_a_type_in_another_assembly_is_not_read()
    {
        const string Library = """
            namespace Lib;

            public sealed class Body
            {
                [AuditGen.AuditTarget("secret")]
                public string Hidden { internal get; set; } = "";

                [AuditGen.AuditTarget("visible")]
                public string Shown { get; set; } = "";
            }
            """;
        var library = GeneratorHarness.Compile([("/lib/Body.cs", Library)]);
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);

        var consumer = GeneratorHarness.Compile([("/src/Endpoints.cs", """
            public static class Endpoints
            {
                [AuditGen.Audited("thing.done")]
                public static void Handle(Lib.Body body) { }
            }
            """)]).AddReferences(MetadataReference.CreateFromImage(image.ToArray()));

        var (_, result) = GeneratorHarness.Run(consumer);

        var sites = GeneratorHarness.Source(result, "AuditGen.Sites.g.cs");
        Assert.Contains(".Shown", sites, StringComparison.Ordinal);
        Assert.DoesNotContain(".Hidden", sites, StringComparison.Ordinal);
    }

    [Fact]
    public void Metadata_is_never_read_from_an_object_with_ToString()
    {
        const string Source = """
            using AuditGen;

            public sealed record Credentials(string User, string Password);

            public static class Endpoints
            {
                [Audited("user.signed_in")]
                public static void Handle([AuditMetadata("credentials")] Credentials credentials, [AuditMetadata("tags")] string[] tags) { }
            }
            """;

        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile([("/src/Endpoints.cs", Source)]));

        Assert.DoesNotContain("credentials", GeneratorHarness.Source(result, "AuditGen.Sites.g.cs").Split("s_shape")[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("\"tags\"", GeneratorHarness.Source(result, "AuditGen.Sites.g.cs"), StringComparison.Ordinal);
    }
}
