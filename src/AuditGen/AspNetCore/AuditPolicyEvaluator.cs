using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AuditGen.AspNetCore;

/// <summary>
/// Notes on the request's audit draft when authorization challenged or forbade it, then returns the decorated
/// evaluator's result unchanged. A challenge can answer with a 302 to a sign-in page, which the status code alone would
/// record as a success. Decorating the evaluator rather than the authorization result handler leaves the application's
/// own handler in charge of the answer, whichever order it was registered in.
/// </summary>
internal sealed class AuditPolicyEvaluator(IPolicyEvaluator inner) : IPolicyEvaluator
{
    public Task<AuthenticateResult> AuthenticateAsync(AuthorizationPolicy policy, HttpContext context) => inner.AuthenticateAsync(policy, context);

    public async Task<PolicyAuthorizationResult> AuthorizeAsync(AuthorizationPolicy policy, AuthenticateResult authenticationResult, HttpContext context, object? resource)
    {
        var result = await inner.AuthorizeAsync(policy, authenticationResult, context, resource);
        if (result.Challenged || result.Forbidden)
        {
            context.GetAuditEventDraft().AuthorizationFailure = result.Challenged ? "challenged" : "forbidden";
        }

        return result;
    }

    /// <summary>A service factory that creates this evaluator around the one <paramref name="inner"/> registered, or ASP.NET Core's.</summary>
    public static Func<IServiceProvider, object> Decorating(ServiceDescriptor? inner) => new Decoration(inner).Create;

    private sealed class Decoration(ServiceDescriptor? inner)
    {
        // Made once: evaluators are transient, so this runs for every authorized request.
        private readonly ObjectFactory? _create = inner?.ImplementationType is { } type ? ActivatorUtilities.CreateFactory(type, Type.EmptyTypes) : null;

        public AuditPolicyEvaluator Create(IServiceProvider provider) => new(inner switch
        {
            { ImplementationInstance: IPolicyEvaluator instance } => instance,
            { ImplementationFactory: { } factory } => (IPolicyEvaluator)factory(provider),
            _ when _create is not null => (IPolicyEvaluator)_create(provider, null),
            _ => new PolicyEvaluator(provider.GetRequiredService<IAuthorizationService>()),
        });
    }
}
