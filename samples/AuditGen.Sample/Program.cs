using System.ComponentModel.DataAnnotations;
using AuditGen;
using AuditGen.Catalog;

var builder = WebApplication.CreateBuilder(args);
var audit = builder.Services.AddAuditGen().AddLoggingSink();

// WorkOS delivery switches on when an API key is configured (AuditGen:WorkOs:ApiKey or WORKOS_API_KEY);
// AuditGen:WorkOs:BaseUrl points it at the local emulator.
if (builder.Configuration["AuditGen:WorkOs:ApiKey"] is { Length: > 0 } || builder.Configuration["WORKOS_API_KEY"] is { Length: > 0 })
{
    audit.AddWorkOsSink();
}

builder.Services.AddHealthChecks().AddAuditGen();

var app = builder.Build();
app.MapHealthChecks("/health");

// Every request to an [Audited] endpoint becomes a WorkOS event: the generated code reads the
// declared sources, AuditGen adds actor, organization, context and outcome.
app.MapPost("/orgs/{organizationId}/teams/{teamId}/members", [Audited("team.member_added")] ([AuditTarget("team")] string teamId, AddMember body) =>
    TypedResults.Created($"/orgs/teams/{teamId}/members/{body.UserId}", body));

// What the generator found, and the WorkOS schemas it derived.
app.MapGet("/audit/actions", () => AuditCatalog.Sites.Select(site => new { site.Action, site.Handler, site.Shape }));
app.MapGet("/audit/schemas", () => Results.Text(AuditCatalog.WorkOsSchemasJson, "application/json"));

app.Run();

internal sealed record AddMember([property: AuditTarget("user")] string UserId, [property: AuditMetadata("role")][MaxLength(40)] string Role);
