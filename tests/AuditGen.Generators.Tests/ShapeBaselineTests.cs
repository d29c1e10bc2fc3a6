using AuditGen.Generators.Tests.TestSupport;

namespace AuditGen.Generators.Tests;

/// <summary>The generated code for each endpoint shape, compared with checked-in baselines and compiled with no warnings.</summary>
public class ShapeBaselineTests
{
    private const string MinimalApi = """
        using System;
        using AuditGen;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Http.HttpResults;
        using Microsoft.AspNetCore.Mvc;

        public sealed record AddMember([property: AuditTarget("user")] string UserId, [property: AuditMetadata("role")] string Role, [property: AuditMetadata("seats", ForTarget = "team")] int? Seats);
        public sealed record Invoice(string Id, decimal Total);
        public enum Plan { Free, Pro }

        public static class Endpoints
        {
            public static void Map(WebApplication app)
            {
                app.MapPost("/orgs/{org}/teams/{teamId}/members",
                    [Audited("team.member_added")]
                    [AuditMetadata("source", "api")]
                    [AuditMetadata("priority", 2L, ForActor = true)]
                    (
                        [AuditOrganization] string org,
                        [AuditTarget("team")] Guid teamId,
                        [FromHeader(Name = "X-Plan")][AuditMetadata("plan")] Plan plan,
                        [FromQuery][AuditMetadata("notify")] bool notify,
                        AddMember body,
                        HttpContext http) => TypedResults.Ok());

                app.MapPost("/invoices", [Audited("invoice.created")][return: AuditTarget("invoice")] async ([AuditActor(Type = "api_key")] string key) =>
                {
                    await System.Threading.Tasks.Task.Yield();
                    return TypedResults.Created("/invoices/1", new Invoice("inv_1", 10m));
                });

                app.MapGet("/invoices/{id}", [Audited("invoice.viewed")] Results<Ok<Invoice>, NotFound> ([AuditTarget("invoice")] long id) => TypedResults.NotFound());
            }
        }
        """;

    private const string Mvc = """
        using AuditGen;
        using Microsoft.AspNetCore.Mvc;

        public sealed record GrantRole([property: AuditTarget("user")] string UserId, [property: AuditMetadata("role")] string Role);
        public sealed record TeamView(string Id);

        [ApiController]
        [Route("teams")]
        [Audited("team.accessed")]
        [AuditMetadata("surface", "mvc")]
        public sealed class TeamsController : ControllerBase
        {
            [HttpGet("{teamId}")]
            public ActionResult<TeamView> Get([FromRoute][AuditTarget("team")] string teamId) => new TeamView(teamId);

            [HttpPost("{teamId}/roles")]
            public IActionResult Grant([FromRoute(Name = "teamId")][AuditTarget("team")] string id, [FromBody] GrantRole body) => Ok();

            [NonAction]
            public void Helper() { }
        }

        public sealed class InvoicesController : ControllerBase
        {
            [HttpDelete("invoices/{id}")]
            [Audited("invoice.voided")]
            public IActionResult Void([AuditTarget("invoice")] string id, [FromQuery][AuditMetadata("reason")] string? reason) => NoContent();
        }
        """;

    [Fact]
    public void Minimal_api_sources_of_every_kind()
    {
        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile([("/src/Endpoints.cs", MinimalApi)]));

        Baseline.Verify("MinimalApi.Sites.g.cs", GeneratorHarness.Source(result, "AuditGen.Sites.g.cs"));
        Baseline.Verify("MinimalApi.EventBuilders.g.cs", GeneratorHarness.Source(result, "AuditGen.EventBuilders.g.cs"));
    }

    [Fact]
    public void Mvc_controller_and_action_sites()
    {
        var (_, result) = GeneratorHarness.Run(GeneratorHarness.Compile([("/src/Controllers.cs", Mvc)]));

        Baseline.Verify("Mvc.Sites.g.cs", GeneratorHarness.Source(result, "AuditGen.Sites.g.cs"));
    }
}
