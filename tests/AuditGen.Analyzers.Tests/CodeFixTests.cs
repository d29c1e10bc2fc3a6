using AuditGen.Analyzers.Tests.TestSupport;
using AuditGen.CodeFixes;
using Microsoft.CodeAnalysis;

namespace AuditGen.Analyzers.Tests;

/// <summary>Each code fix: the text after the fix, and that it compiles without the diagnostic it fixes.</summary>
public class CodeFixTests
{
    [Theory]
    [InlineData("User.SignedIn", "user.signed_in")]
    [InlineData("Team.MemberAdded", "team.member_added")]
    [InlineData("user.signed-in", "user.signed_in")]
    [InlineData("API.KeyRotated", "api.key_rotated")]
    [InlineData("invoice.Voided2", "invoice.voided2")]
    public async Task Action_name_is_rewritten_to_the_convention(string action, string expected)
    {
        var source = Usings + $$"""
            public static class Endpoints
            {
                [Audited("{{action}}")]
                public static void Handle() { }
            }
            """;

        var fixedText = await CodeFixHarness.ApplyAsync(source, "AG0001", new ReplaceNameCodeFixProvider());

        Assert.Equal(source.Replace($"\"{action}\"", $"\"{expected}\"", StringComparison.Ordinal), fixedText);
    }

    [Fact]
    public async Task No_fix_is_offered_when_no_two_segment_name_can_be_made()
    {
        using var workspace = new AdhocWorkspace();

        var (_, actions) = await CodeFixHarness.OffersAsync(workspace, Usings + """
            public static class Endpoints
            {
                [Audited("signin")]
                public static void Handle() { }
            }
            """, "AG0001", new ReplaceNameCodeFixProvider());

        Assert.Empty(actions);
    }

    [Theory]
    [InlineData("plan tier", "plan_tier")]
    [InlineData("plan.tier/v2", "plan_tier_v2")]
    [InlineData("a_key_that_is_far_longer_than_forty_characters_allowed", "a_key_that_is_far_longer_than_forty_char")]
    public async Task Metadata_key_is_renamed_and_shortened(string key, string expected)
    {
        var source = Usings + $$"""
            public static class Endpoints
            {
                [Audited("plan.changed")]
                [AuditMetadata("{{key}}", "pro")]
                public static void Handle() { }
            }
            """;

        var fixedText = await CodeFixHarness.ApplyAsync(source, "AG0003", new ReplaceNameCodeFixProvider());

        Assert.Equal(source.Replace($"\"{key}\"", $"\"{expected}\"", StringComparison.Ordinal), fixedText);
    }

    [Fact]
    public async Task StringLength_is_added_to_a_parameter_with_its_using()
    {
        const string Source = """
            using AuditGen;

            public static class Endpoints
            {
                [Audited("note.added")]
                public static void Handle([AuditMetadata("text")] string text) { }
            }
            """;

        var fixedText = await CodeFixHarness.ApplyAsync(Source, "AG0006", new AddStringLengthCodeFixProvider());

        Assert.Equal("""
            using AuditGen;
            using System.ComponentModel.DataAnnotations;

            public static class Endpoints
            {
                [Audited("note.added")]
                public static void Handle([AuditMetadata("text")][StringLength(500)] string text) { }
            }
            """, fixedText.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task StringLength_goes_on_the_positional_record_parameter_where_MVC_validation_wants_it()
    {
        var source = Usings + """
            public sealed record Body([property: AuditMetadata("note")] string Note);

            public static class Endpoints
            {
                [Audited("note.added")]
                public static void Handle(Body body) { }
            }
            """;

        var fixedText = await CodeFixHarness.ApplyAsync(source, "AG0006", new AddStringLengthCodeFixProvider());

        Assert.Contains("""public sealed record Body([property: AuditMetadata("note")][StringLength(500)] string Note);""", fixedText, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(fixedText, "using System.ComponentModel.DataAnnotations;"));
    }

    [Fact]
    public async Task StringLength_is_added_to_a_property()
    {
        var source = Usings + """
            public sealed class Body
            {
                [AuditMetadata("note")]
                public string Note { get; set; } = "";
            }

            public static class Endpoints
            {
                [Audited("note.added")]
                public static void Handle(Body body) { }
            }
            """;

        var fixedText = await CodeFixHarness.ApplyAsync(source, "AG0006", new AddStringLengthCodeFixProvider());

        Assert.Contains("[StringLength(500)]", fixedText, StringComparison.Ordinal);
    }

    private const string Usings = AnalyzerHarness.Usings;

    private static int CountOf(string text, string value) => (text.Length - text.Replace(value, "", StringComparison.Ordinal).Length) / value.Length;
}
