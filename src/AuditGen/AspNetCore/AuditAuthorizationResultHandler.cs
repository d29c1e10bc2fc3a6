using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuditGen.AspNetCore;

/// <summary>
/// Notes on the request's audit draft when authorization challenged or forbade it, then lets the handler it
/// decorates answer: the application's own, or ASP.NET Core's default. A challenge can answer with a 302 to a
/// sign-in page, which the status code alone would record as a success.
/// </summary>
internal sealed class AuditAuthorizationResultHandler(IAuthorizationMiddlewareResultHandler inner) : IAuthorizationMiddlewareResultHandler
{
    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            context.GetAuditEventDraft().AuthorizationFailure = authorizeResult.Challenged ? "challenged" : "forbidden";
        }

        return inner.HandleAsync(next, context, policy, authorizeResult);
    }

    /// <summary>A service factory that creates this handler around the one <paramref name="inner"/> registered, if any.</summary>
    public static Func<IServiceProvider, object> Decorating(ServiceDescriptor? inner) => new Decoration(inner).Create;

    /// <summary>Whether <paramref name="descriptor"/> is this handler's registration (AddAuditGen was called before).</summary>
    public static bool IsDecoration(ServiceDescriptor descriptor) => descriptor.ImplementationFactory?.Target is Decoration;

    private sealed class Decoration(ServiceDescriptor? inner)
    {
        public AuditAuthorizationResultHandler Create(IServiceProvider provider) => new(inner switch
        {
            null => new AuthorizationMiddlewareResultHandler(),
            { ImplementationInstance: IAuthorizationMiddlewareResultHandler instance } => instance,
            { ImplementationFactory: { } factory } => (IAuthorizationMiddlewareResultHandler)factory(provider),
            { ImplementationType: { } type } => (IAuthorizationMiddlewareResultHandler)ActivatorUtilities.CreateInstance(provider, type),
            _ => new AuthorizationMiddlewareResultHandler(),
        });
    }
}
