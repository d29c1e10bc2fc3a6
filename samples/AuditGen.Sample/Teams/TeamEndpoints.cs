using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AuditGen.Sample.Teams;

/// <summary>Teams and their members, in a route group that requires a signed-in user: lambdas and method groups.</summary>
public static class TeamEndpoints
{
    public static void MapTeams(this IEndpointRouteBuilder app)
    {
        var teams = app.MapGroup("/teams").RequireAuthorization();

        // A lambda whose result names the target.
        teams.MapPost("/", [Audited("team.created")][return: AuditTarget("team")] (CreateTeam body, ClaimsPrincipal user, SampleData data) =>
        {
            var team = new Team(SampleData.NewId("team"), body.Name, new ConcurrentDictionary<string, string>());
            data.Teams[(Organization(user), team.Id)] = team;
            return TypedResults.Created($"/teams/{team.Id}", new TeamView(team.Id, team.Name));
        });

        // Method groups: the target from the route, the member and role from the body.
        teams.MapPost("/{teamId}/members", AddMember);
        teams.MapPut("/{teamId}/members/{userId}/role", ChangeRole);
        teams.MapDelete("/{teamId}/members/{userId}", RemoveMember);
    }

    [Audited("team.member_added")]
    private static Results<Created<MemberView>, NotFound> AddMember([AuditTarget("team")] string teamId, AddMember body, ClaimsPrincipal user, SampleData data)
    {
        if (!data.Teams.TryGetValue((Organization(user), teamId), out var team))
        {
            return TypedResults.NotFound();
        }

        team.Members[body.UserId] = body.Role;
        return TypedResults.Created($"/teams/{teamId}/members/{body.UserId}", new MemberView(body.UserId, body.Role));
    }

    [Audited("team.member_role_changed")]
    private static Results<Ok<MemberView>, NotFound> ChangeRole([AuditTarget("team")] string teamId, [AuditTarget("user")] string userId, ChangeRole body, ClaimsPrincipal user, SampleData data)
    {
        if (!data.Teams.TryGetValue((Organization(user), teamId), out var team) || !team.Members.ContainsKey(userId))
        {
            return TypedResults.NotFound();
        }

        team.Members[userId] = body.Role;
        return TypedResults.Ok(new MemberView(userId, body.Role));
    }

    [Audited("team.member_removed")]
    private static Results<NoContent, NotFound> RemoveMember([AuditTarget("team")] string teamId, [AuditTarget("user")] string userId, ClaimsPrincipal user, SampleData data) =>
        data.Teams.TryGetValue((Organization(user), teamId), out var team) && team.Members.TryRemove(userId, out _) ? TypedResults.NoContent() : TypedResults.NotFound();

    private static string Organization(ClaimsPrincipal user) => user.FindFirstValue("org_id")!;
}

public sealed record CreateTeam([property: AuditMetadata("team_name")][StringLength(100)] string Name);

public sealed record AddMember([property: AuditTarget("user")] string UserId, [property: AuditMetadata("role")][StringLength(40)] string Role);

public sealed record ChangeRole([property: AuditMetadata("role", ForTarget = "user")][StringLength(40)] string Role);

public sealed record TeamView(string Id, string Name);

public sealed record MemberView(string UserId, string Role);
