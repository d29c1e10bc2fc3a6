using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace AuditGen.AspNetCore;

/// <summary>
/// Notes on the request's audit draft when authorization challenged or forbade it, then lets
/// ASP.NET Core's own handler answer. A challenge can answer with a 302 to a sign-in page, which
/// the status code alone would record as a success.
/// </summary>
/// <remarks>
/// Registered in place of the default <see cref="IAuthorizationMiddlewareResultHandler"/>. An
/// application that registers its own handler replaces this one; refusals then still count as
/// failures when they answer 401 or 403.
/// </remarks>
internal sealed class AuditAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _inner = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            context.GetAuditEventDraft().AuthorizationFailure = authorizeResult.Challenged ? "challenged" : "forbidden";
        }

        return _inner.HandleAsync(next, context, policy, authorizeResult);
    }
}
