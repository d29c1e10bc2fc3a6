using AuditGen.Analyzers.Tests.TestSupport;
using AuditGen.TestData;

namespace AuditGen.Analyzers.Tests;

/// <summary>Rules on a site as a whole, each on its bad case and its nearest good case.</summary>
public class SiteRuleTests
{
    public static TheoryData<WorkOsRuleCase> KeyCountCases => WorkOsRuleCase.Load("key-count");

    [Theory]
    [MemberData(nameof(KeyCountCases))]
    public async Task Actor_metadata_key_count_verdict_matches_the_shared_table(WorkOsRuleCase ruleCase)
    {
        var keys = string.Concat(Enumerable.Range(0, ruleCase.Repeat).Select(i => $"[AuditMetadata(\"k{i}\", {i}L, ForActor = true)]"));
        var audited = ruleCase.Valid ? "Audited(\"user.signed_in\")" : "{|AG0004:Audited(\"user.signed_in\")|}";

        await AnalyzerHarness.VerifyAsync($$"""
            public static class Endpoints
            {
                [{{audited}}]
                {{keys}}
                public static void Handle() { }
            }
            """);
    }

    [Theory]
    [InlineData(46, false)]
    [InlineData(47, true)]
    public async Task Event_metadata_counts_the_four_keys_AuditGen_adds(int declared, bool tooMany)
    {
        var keys = string.Concat(Enumerable.Range(0, declared).Select(i => $"[AuditMetadata(\"k{i}\", true)]"));
        var audited = tooMany ? "{|AG0004:Audited(\"user.signed_in\")|}" : "Audited(\"user.signed_in\")";

        await AnalyzerHarness.VerifyAsync($$"""
            public static class Endpoints
            {
                [{{audited}}]
                {{keys}}
                public static void Handle() { }
            }
            """);
    }

    [Fact]
    public async Task Keys_are_counted_across_constants_parameters_and_bound_properties()
    {
        var constants = string.Concat(Enumerable.Range(0, 45).Select(i => $"[AuditMetadata(\"c{i}\", 1L)]"));

        await AnalyzerHarness.VerifyAsync($$"""
            public sealed record Body([property: AuditMetadata("b1")] int B1, [property: AuditMetadata("b2")] int B2);

            public static class Endpoints
            {
                [{|AG0004:Audited("team.renamed")|}]
                {{constants}}
                public static void Handle([AuditMetadata("p1")] int p1, Body body) { }
            }
            """);
    }

    [Fact]
    public async Task Unbounded_string_metadata_source_is_a_warning_and_a_bound_of_500_or_less_silences_it()
    {
        await AnalyzerHarness.VerifyAsync("""
            public sealed record Body(
                [property: {|AG0006:AuditMetadata("note")|}] string Note,
                [property: AuditMetadata("title")][property: MaxLength(500)] string Title,
                [property: {|AG0006:AuditMetadata("essay")|}][property: MaxLength(501)] string Essay,
                [property: AuditMetadata("tag")][StringLength(20)] string Tag,
                [property: AuditMetadata("count")] int Count);

            public static class Endpoints
            {
                [Audited("note.added")]
                public static void Handle(Body body, [{|AG0006:AuditMetadata("source")|}] string source, [AuditMetadata("lang")][MaxLength(5)] string lang) { }
            }
            """);
    }

    [Fact]
    public async Task Same_key_twice_in_one_object_is_an_error_but_the_same_key_in_two_objects_is_not()
    {
        await AnalyzerHarness.VerifyAsync("""
            public static class Endpoints
            {
                [Audited("team.renamed")]
                [AuditMetadata("role", "admin")]
                [AuditMetadata("role", "owner", ForActor = true)]
                public static void Handle(
                    [{|AG0007:AuditMetadata("role")|}][MaxLength(20)] string role,
                    [{|AG0007:AuditMetadata("outcome")|}][MaxLength(20)] string result) { }
            }
            """);
    }

    [Fact]
    public async Task Same_action_with_different_shapes_is_reported_on_both_sites()
    {
        await AnalyzerHarness.VerifyAsync("""
            public static class Endpoints
            {
                [{|AG0008:Audited("team.renamed")|}]
                public static void One([AuditTarget("team")] string teamId) { }

                [{|AG0008:Audited("team.renamed")|}]
                public static void Two([AuditTarget("team")] string teamId, [AuditTarget("user")] string userId) { }

                [Audited("team.deleted")]
                public static void Three([AuditTarget("team")] string teamId) { }

                [Audited("team.deleted")]
                public static void Four([AuditTarget("team")] Guid id) { }
            }
            """);
    }

    [Fact]
    public async Task Target_actor_and_organization_sources_must_give_an_id()
    {
        await AnalyzerHarness.VerifyAsync("""
            public sealed record WithId(Guid Id, string Name);
            public sealed record WithoutId(string Name);

            public static class Endpoints
            {
                [Audited("report.viewed")]
                public static WithId Handle(
                    [{|AG0009:AuditTarget("day")|}] DateTime day,
                    [{|AG0009:AuditActor|}] WithoutId who,
                    [AuditTarget("report")] WithId report,
                    [AuditTarget("page")] long page,
                    [AuditOrganization] string organization) => report;
            }
            """);
    }

    [Fact]
    public async Task Audited_where_no_endpoint_can_run_is_a_warning()
    {
        await AnalyzerHarness.VerifyAsync("""
            [{|AG0010:Audited("util.called")|}]
            public sealed class Utilities { }

            public abstract class Handlers
            {
                [{|AG0010:Audited("thing.done")|}]
                public abstract void Abstract();

                [{|AG0010:Audited("thing.done")|}]
                public static void Generic<T>() { }

                [Audited("thing.done")]
                public static void Fine() { }
            }

            [ApiController]
            public sealed class ThingsController : ControllerBase
            {
                [{|AG0010:Audited("thing.hidden")|}]
                private void Hidden() { }

                [{|AG0010:Audited("thing.helper")|}]
                [NonAction]
                public void Helper() { }

                [HttpGet("things")]
                [Audited("thing.listed")]
                public IActionResult List() => Ok();
            }
            """);
    }

    [Fact]
    public async Task Lambdas_and_local_functions_are_checked_like_methods()
    {
        await AnalyzerHarness.VerifyAsync("""
            public static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapPost("/notes", [Audited("note.added")] ([{|AG0006:AuditMetadata("text")|}] string text) => Results.Ok());
                    app.MapGet("/x", Local);

                    [Audited("x.viewed")]
                    static IResult Local([{|AG0009:AuditTarget("x")|}] DateTime when) => Results.Ok();
                }
            }
            """);
    }

    [Fact]
    public async Task A_realistic_clean_file_has_no_diagnostics()
    {
        await AnalyzerHarness.VerifyAsync("""
            public sealed record AddMember([property: AuditTarget("user")] string UserId, [property: AuditMetadata("role")][property: MaxLength(40)] string Role);
            public sealed record Invoice(string Id, decimal Total);

            public static class Endpoints
            {
                public static void Map(WebApplication app)
                {
                    app.MapPost("/teams/{teamId}/members", [Audited("team.member_added")][AuditMetadata("source", "api")] ([AuditTarget("team")] string teamId, AddMember body) => Results.Ok());
                    app.MapPost("/invoices", [Audited("invoice.created")][return: AuditTarget("invoice")] () => TypedResults.Ok(new Invoice("inv_1", 10m)));
                }
            }
            """);
    }
}

/// <summary>Sources the generator cannot read are reported, never silently dropped.</summary>
public class UnreadableSourceRuleTests
{
    [Fact]
    public async Task Metadata_from_an_object_or_an_array_or_a_null_constant_is_an_error()
    {
        await AnalyzerHarness.VerifyAsync("""
            public sealed record Credentials(string User, string Password);

            public static class Endpoints
            {
                [Audited("user.signed_in")]
                [AuditMetadata("note", {|AG0012:null|})]
                public static void Handle(
                    [{|AG0012:AuditMetadata("login")|}] Credentials login,
                    [{|AG0012:AuditMetadata("tags")|}] string[] tags,
                    [AuditMetadata("when")] DateTime when,
                    [AuditMetadata("plan")] DayOfWeek plan) { }
            }
            """);
    }

    [Fact]
    public async Task Source_on_a_result_that_carries_no_value_is_a_warning()
    {
        await AnalyzerHarness.VerifyAsync("""
            public sealed record Invoice(string Id);

            public static class Endpoints
            {
                [Audited("invoice.created")]
                [return: {|AG0013:AuditTarget("invoice")|}]
                public static IResult Untyped() => Results.Ok(new Invoice("inv_1"));

                [Audited("invoice.imported")]
                [return: AuditTarget("invoice")]
                public static Microsoft.AspNetCore.Http.HttpResults.Ok<Invoice> Typed() => TypedResults.Ok(new Invoice("inv_1"));
            }
            """);
    }

    [Fact]
    public async Task Action_without_a_target_is_told_it_gets_no_WorkOS_schema()
    {
        await AnalyzerHarness.VerifyAsync("""
            public static class Endpoints
            {
                [{|AG0014:Audited("user.signed_out")|}]
                public static void SignOut() { }

                [Audited("user.signed_in")]
                public static void SignIn([AuditTarget("user")] string userId) { }
            }
            """, includeInfo: true);
    }
}
