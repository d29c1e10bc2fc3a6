using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Runtime.CompilerServices;
using AuditGen;
using AuditGen.AspNetCore;
using AuditGen.Generated;
using AuditGen.Pipeline;
using AuditGen.TestApi;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

var builder = WebApplication.CreateSlimBuilder(args);
var auditGen = builder.Services.AddAuditGen();
if (builder.Configuration["AuditGen:PostgreSql:ConnectionString"] is { Length: > 0 })
{
    auditGen.UsePostgreSql();
}
if (builder.Configuration["TestSink:Path"] is { Length: > 0 } deliveredPath)
{
    auditGen.Services.AddSingleton<IAuditSink>(new FileRecordingSink(deliveredPath));
}

builder.Services.AddSingleton<IAuditActorResolver, ServiceAccountActorResolver>();
builder.Services.AddSingleton(new AuditMeasurementCounter());
builder.Services.AddAuthentication(TestAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, TestAuthenticationHandler>(TestAuthenticationHandler.SchemeName, null)
    .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, options => options.LoginPath = "/sign-in-page");
builder.Services.AddAuthorizationBuilder().AddPolicy("admin", policy => policy.RequireClaim("role", "admin"));
// MVC cannot run under Native AOT: the AOT build of this app (the Native AOT test) serves its minimal APIs only.
if (RuntimeFeature.IsDynamicCodeSupported)
{
    builder.Services.AddControllers();
}

// The error handling a production app uses (below): AuditGen records every request through it.
builder.Services.AddProblemDetails();
builder.Services.AddRequestTimeouts();
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, TestApiJsonContext.Default));
builder.Services.Configure<ForwardedHeadersOptions>(options =>
{
    // Only 127.0.0.2 is a trusted proxy; X-Forwarded-For from anyone else is ignored.
    options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
    options.KnownIPNetworks.Clear();
    options.KnownProxies.Clear();
    options.KnownProxies.Add(IPAddress.Parse("127.0.0.2"));
});

var app = builder.Build();
// A bad request thrown (Development throws them) keeps its status, as production apps configure it.
app.UseExceptionHandler(new ExceptionHandlerOptions { StatusCodeSelector = static exception => exception is BadHttpRequestException bad ? bad.StatusCode : 500 });
app.UseStatusCodePagesWithReExecute("/status/{0}");
app.UseForwardedHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.UseRequestTimeouts();

// 1. A lambda in top-level Program.cs, a static method group in another class, an instance method.
app.MapPost("/teams/{teamId}/members", [Audited("team.member_added")] ([AuditTarget("team")] string teamId, AddMember body) =>
    TypedResults.Created($"/teams/{teamId}/members/{body.UserId}", body));
app.MapDelete("/invoices/{invoiceId:guid}", InvoiceHandlers.Void);
var apiKeys = new ApiKeyHandlers("rotated-by-instance");
app.MapPost("/api-keys/{keyId}/rotate", apiKeys.Rotate);

// 2. Route groups, nested, with prefixes, a group-level filter and group-level authorization.
var organization = app.MapGroup("/orgs/{organizationId}").RequireAuthorization();
var projects = organization.MapGroup("/projects").AddEndpointFilter<ProjectsGroupFilter>();
projects.MapPut("/{projectId:int}", [Audited("project.renamed")] async ([AuditTarget("project")] int projectId, RenameProject body) =>
{
    await Task.Yield();
    return Results.Ok(new { projectId, body.Name });
});

// 3 and 4. Sync and async, plain values, IResult, TypedResults, Results<Ok<T>, NotFound>; targets
// from route, query, header, body property and result.
app.MapGet("/ping/{id}", [Audited("ping.sent")] ([AuditTarget("ping")] string id) => $"pong {id}");
app.MapGet("/members/{memberId}", [Audited("member.viewed")] Results<Ok<Member>, NotFound> ([AuditTarget("member")] string memberId) =>
    memberId == "missing" ? TypedResults.NotFound() : TypedResults.Ok(new Member(memberId, "Ada Lovelace")));
app.MapGet("/reports", [Audited("report.exported")] (
    [FromQuery(Name = "format")][AuditMetadata("format")][MaxLength(10)] string format,
    [FromHeader(Name = "X-Report-Id")][AuditTarget("report")] string reportId,
    [FromQuery(Name = "section")][AuditTarget("section")] string? section,
    [FromQuery] int page) => Results.Text($"report {reportId} page {page} as {format}"));
app.MapPost("/invoices", [Audited("invoice.created")][AuditMetadata("channel", "api")][return: AuditTarget("invoice")] async (CreateInvoice body) =>
{
    await Task.Delay(1);
    return TypedResults.Created($"/invoices/{body.Number}", new Invoice($"inv_{body.Number}", body.CustomerId, body.Amount));
});

// 5. Actor from a declared source (a sign-in attempt, before anyone is authenticated).
app.MapPost("/sign-in", [Audited("user.signed_in")] (SignIn body) =>
    body.Password == "correct horse" ? Results.Ok() : Results.Unauthorized());

// 6. Organization from a header, overriding the resolver for this endpoint.
app.MapPost("/partner/events", [Audited("partner.event_received")] ([FromHeader(Name = "X-Partner-Org")][AuditOrganization] string partnerOrganization) =>
    Results.NoContent());

// 9. Failures: refused by authorization before the handler, and an exception in the handler.
app.MapDelete("/admin/users/{userId}", [Audited("admin.user_deleted")] ([AuditTarget("user")] string userId) => Results.NoContent())
    .RequireAuthorization("admin");
app.MapPost("/crash/{jobId}", [Audited("job.crashed")] ([AuditTarget("job")] string jobId) =>
{
    throw new InvalidOperationException($"job {jobId} failed");
});

// Failures that production middleware turns into responses: a conflict with no body (status code pages re-execute
// /status/409), a handler cut off by its request timeout (504), and one the client abandons.
app.MapPost("/teams/{teamId}/freeze", [Audited("team.frozen")] ([AuditTarget("team")] string teamId) => Results.Conflict());
app.MapGet("/reports/{reportId}/slow", [Audited("report.generated")] async ([AuditTarget("report")] string reportId, CancellationToken cancellationToken) =>
{
    await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
    return Results.Ok();
}).WithRequestTimeout(TimeSpan.FromMilliseconds(300));
app.MapGet("/reports/{reportId}/wait", [Audited("report.awaited")] async ([AuditTarget("report")] string reportId, CancellationToken cancellationToken) =>
{
    await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
    return Results.Ok();
});
// Re-execution keeps the request's method: the error endpoint answers every method.
app.Map("/status/{code:int}", (int code) => Results.Problem(statusCode: code));

// Cookie authentication challenges with a 302 to the sign-in page: still a refused request.
app.MapGet("/account/settings", [Audited("settings.viewed")] ([FromQuery][AuditTarget("settings_page")] string? page) => Results.Ok())
    .RequireAuthorization(new AuthorizeAttribute { AuthenticationSchemes = CookieAuthenticationDefaults.AuthenticationScheme });

// A handler that adds to its own event through the generated builder, and through the draft for anything undeclared.
app.MapPost("/teams", [Audited("team.created")][return: AuditTarget("team")] (CreateTeam body, HttpContext http) =>
{
    var id = "team_" + body.Name.ToLowerInvariant();
    TeamCreatedAuditEvent.For(http).AddTeam(id, body.Name);
    http.GetAuditEventDraft().Metadata["template"] = "blank";
    return TypedResults.Created($"/teams/{id}", new TeamCreated(id));
});

// The same action's builder used outside HTTP, by a background job.
app.MapPost("/_test/background/{teamId}", (string teamId, IAuditEventWriter writer) => Task.Run(() => MemberImportJob.ImportAsync(writer, teamId)));

// Strict mode: the response waits for the commit, and is refused (503) if the store cannot commit.
app.MapPut("/strict/notes/{noteId}", [Audited("note.saved", Delivery = AuditDeliveryMode.BeforeResponse)] ([AuditTarget("note")] string noteId) => TypedResults.Ok(new NoteSaved(noteId)));

// Not audited: the test's window into the store and the build mode.
app.MapGet("/_test/verify", async (IAuditLog log) => await log.VerifyAsync(CancellationToken.None));
app.MapGet("/_test/events", (IAuditLog log) => log.QueryAsync(new AuditQuery(), CancellationToken.None).Select(TestEvents.ToJson));
app.MapGet("/_test/heap", () => GC.GetTotalMemory(forceFullCollection: true));
app.MapGet("/_test/mode", () => new BuildMode(TestEvents.Mode, TestEvents.RequestDelegateGeneratorRan));
app.MapGet("/_test/measurements/{instrument}", (string instrument, AuditMeasurementCounter counter) => counter[instrument]);
if (RuntimeFeature.IsDynamicCodeSupported)
{
    app.MapControllers();
}

app.Run();
