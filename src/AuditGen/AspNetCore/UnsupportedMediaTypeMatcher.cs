using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace AuditGen.AspNetCore;

/// <summary>
/// Routing answers a request whose content type no endpoint accepts with an endpoint of its own (415), so the audited
/// endpoint the request was meant for is never selected. This finds it: an audited endpoint that declares the content
/// types it accepts, whose HTTP method and route match the request.
/// </summary>
internal sealed class UnsupportedMediaTypeMatcher(IServiceProvider services)
{
    // One reference, replaced whole when the endpoints change, so concurrent requests never see half of an index.
    private AuditedRoutes? _routes;

    public RouteEndpoint? Find(HttpContext httpContext, out RouteValueDictionary routeValues)
    {
        routeValues = [];
        if (services.GetService<EndpointDataSource>() is not { } source)
        {
            return null;
        }

        var endpoints = source.Endpoints;
        var routes = _routes is { } cached && ReferenceEquals(cached.Endpoints, endpoints) ? cached : _routes = AuditedRoutes.Of(endpoints);
        foreach (var (endpoint, matcher) in routes.Audited)
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
            var values = new RouteValueDictionary();
            if ((methods is null || methods.Contains(httpContext.Request.Method, StringComparer.OrdinalIgnoreCase))
                && matcher.TryMatch(httpContext.Request.Path, values))
            {
                routeValues = values;
                return endpoint;
            }
        }

        return null;
    }

    private sealed record AuditedRoutes(IReadOnlyList<Endpoint> Endpoints, (RouteEndpoint Endpoint, TemplateMatcher Matcher)[] Audited)
    {
        public static AuditedRoutes Of(IReadOnlyList<Endpoint> endpoints) => new(
            endpoints,
            endpoints.OfType<RouteEndpoint>()
                .Where(static e => e.Metadata.GetMetadata<AuditedAttribute>() is not null && e.Metadata.GetMetadata<IAcceptsMetadata>() is { ContentTypes.Count: > 0 })
                .Select(static e => (e, new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults))))
                .ToArray());
    }
}
