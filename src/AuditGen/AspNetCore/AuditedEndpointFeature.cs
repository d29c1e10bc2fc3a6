using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace AuditGen.AspNetCore;

/// <summary>
/// The request's <see cref="IEndpointFeature"/>, installed by <see cref="AuditHttpMiddleware"/> before routing runs. It
/// remembers the audited endpoint the request was routed to, and that endpoint's route values, when error handling
/// clears them (the exception handler) or re-executes the request elsewhere (status code pages), so that the
/// request is recorded for the endpoint it was meant for.
/// </summary>
internal sealed class AuditedEndpointFeature(IFeatureCollection features) : IEndpointFeature
{
    private Endpoint? _endpoint;

    /// <summary>The last audited endpoint the request was routed to, or null.</summary>
    public Endpoint? AuditedEndpoint { get; private set; }

    /// <summary>Its route values, as they were when the endpoint was taken away; null while it is current.</summary>
    public RouteValueDictionary? AuditedRouteValues { get; private set; }

    public Endpoint? Endpoint
    {
        get => _endpoint;
        set
        {
            if (_endpoint is not null && _endpoint == AuditedEndpoint && value != _endpoint)
            {
                AuditedRouteValues = features.Get<IRouteValuesFeature>()?.RouteValues is { Count: > 0 } values ? new RouteValueDictionary(values) : null;
            }

            if (value?.Metadata.GetMetadata<AuditedAttribute>() is not null)
            {
                AuditedEndpoint = value;
                AuditedRouteValues = null;
            }

            _endpoint = value;
        }
    }
}
