using System.ComponentModel.DataAnnotations;
using AuditGen.Events;
using AuditGen.Generated;
using AuditGen.Pipeline;
using Microsoft.AspNetCore.Mvc;

namespace AuditGen.TestApi;

public sealed record AddMember([property: AuditTarget("user")] string UserId, [property: AuditMetadata("role")][MaxLength(40)] string Role);

public sealed record RenameProject([property: AuditMetadata("name")][MaxLength(100)] string Name);

public sealed record Member(string Id, string Name);

public sealed record CreateInvoice(int Number, [property: AuditTarget("customer")] string CustomerId, [property: AuditMetadata("amount")] decimal Amount);

public sealed record Invoice(string Id, string CustomerId, decimal Amount);

public sealed record SignIn([property: AuditActor] string Email, string Password);

public sealed record CreateTeam(string Name);

public static class InvoiceHandlers
{
    [Audited("invoice.voided")]
    public static IResult Void([AuditTarget("invoice")] Guid invoiceId, [FromQuery][AuditMetadata("reason")][MaxLength(200)] string? reason) =>
        Results.NoContent();
}

public sealed class ApiKeyHandlers(string note)
{
    [Audited("api_key.rotated")]
    public IResult Rotate([AuditTarget("api_key")] string keyId) => Results.Ok(new { keyId, note });
}

/// <summary>Background work writing the same action as an endpoint, through the generated builder.</summary>
public static class MemberImportJob
{
    public static Task ImportAsync(IAuditEventWriter writer, string teamId) =>
        TeamMemberAddedAuditEvent.Create()
            .AddTeam(teamId)
            .AddUser("user_imported", "Imported User")
            .WithRole("viewer")
            .WriteAsync(writer, "org_jobs", new AuditActor { Type = "job", Id = "nightly_sync" }, new AuditContext { Location = "job:nightly_sync" })
            .AsTask();
}

public sealed class ProjectsGroupFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (context.HttpContext.Request.Headers.ContainsKey("X-Freeze"))
        {
            return Results.StatusCode(StatusCodes.Status423Locked);
        }

        return await next(context);
    }
}

public sealed record TeamCreated(string Id);

public sealed record BuildMode(string Mode, bool RequestDelegateGenerated);

public sealed record NoteSaved(string NoteId);
