using System.Security.Claims;
using AuditGen.Events;
using Microsoft.AspNetCore.Http;

namespace AuditGen.AspNetCore;

/// <summary>
/// The default actor: the authenticated user, with id from the <c>sub</c> claim (else the name
/// identifier claim) and name from the <c>name</c> claim (else the identity's name). A request with
/// no authenticated user gets <see cref="Anonymous"/>; it never fails.
/// </summary>
public sealed class ClaimsAuditActorResolver : IAuditActorResolver
{
    /// <summary>The actor of requests without an authenticated user: type <c>anonymous</c>, id <c>anonymous</c>.</summary>
    public static AuditActor Anonymous { get; } = new() { Type = "anonymous", Id = "anonymous" };

    /// <inheritdoc />
    public AuditActor Resolve(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var user = httpContext.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return Anonymous;
        }

        var id = user.FindFirst("sub")?.Value ?? user.FindFirst(ClaimTypes.NameIdentifier)?.Value;
        if (string.IsNullOrEmpty(id))
        {
            return Anonymous;
        }

        var name = user.FindFirst("name")?.Value ?? user.Identity.Name;
        return new AuditActor { Type = "user", Id = id, Name = string.IsNullOrEmpty(name) ? null : name };
    }
}
