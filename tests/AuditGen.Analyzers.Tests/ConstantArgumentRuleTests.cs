using AuditGen.Analyzers.Tests.TestSupport;

namespace AuditGen.Analyzers.Tests;

/// <summary>The same limits for constants passed in code: generated builders, AuditMetadata, the draft.</summary>
public class ConstantArgumentRuleTests
{
    private static readonly string s_500 = new('x', 500);
    private static readonly string s_501 = new('x', 501);

    [Fact]
    public async Task Generated_builder_members_get_the_value_limit()
    {
        await AnalyzerHarness.VerifyAsync($$"""
            public static class Endpoints
            {
                [Audited("note.added")]
                public static void Handle([AuditMetadata("text")][MaxLength(500)] string text) { }

                public static void Background()
                {
                    AuditGen.Generated.NoteAddedAuditEvent.Create().WithText("{{s_500}}");
                    AuditGen.Generated.NoteAddedAuditEvent.Create().WithText({|AG0005:"{{s_501}}"|});
                }
            }
            """);
    }

    [Fact]
    public async Task AuditMetadata_indexer_Add_and_the_draft_get_the_key_and_value_limits()
    {
        await AnalyzerHarness.VerifyAsync($$"""
            public static class Code
            {
                public static void Enrich(HttpContext http)
                {
                    var metadata = new AuditGen.Events.AuditMetadata { ["plan"] = "pro", [{|AG0003:"plan tier"|}] = "pro" };
                    metadata.Add({|AG0003:""|}, 1);
                    metadata["note"] = {|AG0005:"{{s_501}}"|};
                    http.GetAuditEventDraft().SetTargetMetadata("team", {|AG0003:"a/b"|}, "x");
                    http.GetAuditEventDraft().Metadata["fine"] = "{{s_500}}";
                }
            }
            """);
    }
}
