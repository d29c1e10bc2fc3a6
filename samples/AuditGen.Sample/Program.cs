using AuditGen;
using AuditGen.Catalog;
using AuditGen.Events;
using AuditGen.Pipeline;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddAuditGen().AddLoggingSink();

var app = builder.Build();

// The generated catalog lists every [Audited] site of the app.
app.MapGet("/audit/actions", () => AuditCatalog.Sites);

// Until the generated hooks land, the handler writes its event through IAuditEventWriter itself.
app.MapPost("/teams/{teamId}/members", [Audited("team.member_added")] async (string teamId, AddMember body, HttpContext http, IAuditEventWriter audit) =>
{
    await audit.WriteAsync(new AuditEvent
    {
        OrganizationId = "org_sample",
        Action = "team.member_added",
        Actor = new AuditActor { Type = "user", Id = "user_sample" },
        Targets = [new AuditTarget { Type = "team", Id = teamId }, new AuditTarget { Type = "user", Id = body.UserId }],
        Context = new AuditContext
        {
            Location = http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            UserAgent = http.Request.Headers.UserAgent.ToString(),
        },
        Metadata = new() { ["role"] = body.Role },
    });
    return TypedResults.Created($"/teams/{teamId}/members/{body.UserId}");
});

app.Run();

internal sealed record AddMember(string UserId, string Role);
