using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace AuditGen.TestApi;

/// <summary>8. MVC: [Audited] on the controller (every action) and on an action (overrides it).</summary>
[ApiController]
[Route("mvc/teams")]
[Audited("team.accessed")]
[AuditMetadata("surface", "mvc")]
public sealed class TeamsController : ControllerBase
{
    [HttpGet("{teamId}")]
    public ActionResult<TeamView> Get([FromRoute][AuditTarget("team")] string teamId, [FromQuery][AuditMetadata("view")][MaxLength(20)] string? view) =>
        new TeamView(teamId, "Core");

    [HttpPost("{teamId}/roles")]
    [Audited("team.role_granted")]
    public IActionResult GrantRole([FromRoute][AuditTarget("team")] string teamId, [FromBody] GrantRole body) =>
        Ok(new { teamId, body.UserId });

    [HttpDelete("{teamId}")]
    [Authorize(Policy = "admin")]
    public IActionResult Delete([FromRoute][AuditTarget("team")] string teamId) => NoContent();

    [HttpPost("{teamId}/rebuild")]
    public IActionResult Rebuild([FromRoute][AuditTarget("team")] string teamId) =>
        throw new InvalidOperationException($"team {teamId} cannot be rebuilt");

    [HttpPut("{teamId}/lock")]
    [Audited("team.locked", Delivery = AuditDeliveryMode.BeforeResponse)]
    public IActionResult Lock([FromRoute][AuditTarget("team")] string teamId) => Ok(new { teamId, locked = true });

    [HttpPost]
    [Audited("team.created_mvc")]
    [return: AuditTarget("team")]
    public ActionResult<TeamView> Create([FromBody] CreateTeam body) =>
        Created($"/mvc/teams/{body.Name}", new TeamView("team_" + body.Name, body.Name));
}

public sealed record TeamView(string Id, string Name);

public sealed record GrantRole([property: AuditTarget("user")] string UserId, [property: AuditMetadata("role")][MaxLength(40)] string Role);
