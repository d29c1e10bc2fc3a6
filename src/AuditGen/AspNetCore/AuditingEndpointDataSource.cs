using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Reflection;
using AuditGen.Catalog;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace AuditGen.AspNetCore;

/// <summary>
/// Presents an application's endpoints as if they were mapped in a route group carrying AuditGen's
/// conventions. This is the hook that works with and without the Request Delegate Generator: group
/// conventions run on the <see cref="EndpointBuilder"/> before the request delegate is created (by
/// <c>RequestDelegateFactory</c> or by RDG's generated code alike), so the filter added there runs in
/// both modes, and no <c>MapGet</c>/<c>MapPost</c> call site is intercepted (RDG already intercepts
/// them, and two interceptors on one call are a compile error).
/// </summary>
internal sealed class AuditingEndpointDataSource(EndpointDataSource inner, IServiceProvider services) : EndpointDataSource
{
    private static readonly RoutePattern s_noPrefix = RoutePatternFactory.Parse("");

    public override IReadOnlyList<Endpoint> Endpoints
    {
        get
        {
            try
            {
                return inner.GetGroupedEndpoints(new RouteGroupContext
                {
                    Prefix = s_noPrefix,
                    Conventions = [AddAuditFilter],
                    FinallyConventions = [AddAuditSiteMetadata],
                    ApplicationServices = services,
                });
            }
            catch (NotSupportedException)
            {
                // A data source of custom (non-route) endpoints cannot be grouped; the middleware still
                // audits its endpoints from their [Audited] metadata.
                return inner.Endpoints;
            }
        }
    }

    public override IChangeToken GetChangeToken() => inner.GetChangeToken();

    /// <summary>Runs before the request delegate is built, when only the handler's <see cref="MethodInfo"/> is known.</summary>
    private static void AddAuditFilter(EndpointBuilder builder)
    {
        if (FindHandler(builder) is { } handler
            && handler.GetCustomAttribute<AuditedAttribute>() is { } attribute
            && AuditCatalog.Find(attribute, handler.Module) is { } site)
        {
            var recorder = builder.ApplicationServices.GetRequiredService<AuditRequestRecorder>();
            builder.FilterFactories.Insert(0, (_, next) =>
            {
                var filter = new AuditEndpointFilter(site, attribute, recorder);
                return invocation => filter.InvokeAsync(invocation, next);
            });
        }
    }

    /// <summary>Runs last, when every attribute is in the metadata, so the middleware finds the site without a lookup.</summary>
    private static void AddAuditSiteMetadata(EndpointBuilder builder)
    {
        if (AuditSiteLookup.Find(builder.Metadata) is { } site)
        {
            builder.Metadata.Add(site);
        }
    }

    private static MethodInfo? FindHandler(EndpointBuilder builder)
    {
        foreach (var item in builder.Metadata)
        {
            if (item is MethodInfo method)
            {
                return method;
            }
        }

        return null;
    }
}
