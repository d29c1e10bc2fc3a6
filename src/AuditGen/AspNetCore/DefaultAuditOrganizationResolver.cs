using AuditGen.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace AuditGen.AspNetCore;

/// <summary>
/// The default organization: from the authenticated user's claim, else a route value, else (when
/// configured) a header, else the configured default. See <see cref="AuditHttpOptions"/>.
/// </summary>
internal sealed class DefaultAuditOrganizationResolver(IOptions<AuditHttpOptions> options) : IAuditOrganizationResolver
{
    public string? Resolve(HttpContext httpContext)
    {
        var http = options.Value;
        if (!string.IsNullOrEmpty(http.OrganizationClaimType)
            && httpContext.User.FindFirst(http.OrganizationClaimType)?.Value is { Length: > 0 } fromClaim)
        {
            return fromClaim;
        }

        if (!string.IsNullOrEmpty(http.OrganizationRouteValue)
            && AuditValues.RouteValue(httpContext, http.OrganizationRouteValue) is { Length: > 0 } fromRoute)
        {
            return fromRoute;
        }

        if (!string.IsNullOrEmpty(http.OrganizationHeader)
            && AuditValues.HeaderValue(httpContext, http.OrganizationHeader) is { Length: > 0 } fromHeader)
        {
            return fromHeader;
        }

        return http.DefaultOrganizationId;
    }
}
