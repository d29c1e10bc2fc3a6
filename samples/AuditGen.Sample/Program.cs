using AuditGen.Catalog;
using AuditGen.Sample;
using AuditGen.Sample.Admin;
using AuditGen.Sample.ApiKeys;
using AuditGen.Sample.Identity;
using AuditGen.Sample.Teams;

var builder = WebApplication.CreateBuilder(args);

// Audit: the embedded SQLite store (auditgen.db) and a log line per event. WorkOS delivery switches on when an
// API key is configured (AuditGen:WorkOs:ApiKey or WORKOS_API_KEY); AuditGen:WorkOs:BaseUrl points it at the emulator.
var audit = builder.Services.AddAuditGen().AddLoggingSink();
if (builder.Configuration["AuditGen:WorkOs:ApiKey"] is { Length: > 0 } || builder.Configuration["WORKOS_API_KEY"] is { Length: > 0 })
{
    audit.AddWorkOsSink();
}

builder.Services.AddHealthChecks().AddAuditGen();
builder.Services.AddSampleIdentity();
builder.Services.AddControllers();
builder.Services.AddSingleton<SampleData>();

var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapSignIn();
app.MapTeams();
app.MapApiKeys();
app.MapAdmin();
app.MapControllers();

// The audit trail, for each organization's admins; the organization comes from the signed-in user's org_id claim.
app.MapAuditLogViewer("/audit", SampleIdentity.AuditViewersPolicy);

// What the generator found, and the WorkOS schemas it derived.
app.MapGet("/catalog/actions", () => AuditCatalog.Sites.Select(site => new { site.Action, site.Handler, site.Shape }));
app.MapGet("/catalog/schemas", () => Results.Text(AuditCatalog.WorkOsSchemasJson, "application/json"));
app.MapHealthChecks("/health");

app.Run();
