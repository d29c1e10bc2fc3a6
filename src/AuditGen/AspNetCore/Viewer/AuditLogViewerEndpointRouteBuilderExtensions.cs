using AuditGen.AspNetCore.Viewer;
using AuditGen.Pipeline;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps AuditGen's audit log viewer.</summary>
public static class AuditLogViewerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the audit log viewer at <paramref name="pattern"/> (e.g. <c>/audit</c>): a page listing the signed-in
    /// user's organization's events, newest first, with WorkOS's filters, each event's full JSON, CSV and JSON export
    /// of the filtered view, and whether the hash chain verifies. Every route requires <paramref name="authorizationPolicy"/>,
    /// and each user sees only the organization of their organization claim (<c>AuditGen:Http:OrganizationClaimType</c>);
    /// other organizations' events are not found, through any route. Assets are embedded: no CDN.
    /// </summary>
    /// <param name="endpoints">The application's routes.</param>
    /// <param name="pattern">Where the viewer lives.</param>
    /// <param name="authorizationPolicy">The name of the policy a user must meet; required, so the audit log is never public by accident.</param>
    /// <exception cref="ArgumentException">No policy was named.</exception>
    /// <exception cref="InvalidOperationException">The policy is not registered, or the store cannot be read (in-memory store).</exception>
    public static RouteGroupBuilder MapAuditLogViewer(this IEndpointRouteBuilder endpoints, string pattern, string authorizationPolicy)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (string.IsNullOrWhiteSpace(authorizationPolicy))
        {
            throw new ArgumentException(
                "MapAuditLogViewer needs the name of an authorization policy (for example one requiring an 'audit:read' permission): the audit log is not mapped without one.",
                nameof(authorizationPolicy));
        }

        var policies = endpoints.ServiceProvider.GetService<IAuthorizationPolicyProvider>();
        if (policies?.GetPolicyAsync(authorizationPolicy).GetAwaiter().GetResult() is null)
        {
            throw new InvalidOperationException($"MapAuditLogViewer: the authorization policy '{authorizationPolicy}' is not registered; add it with builder.Services.AddAuthorization(o => o.AddPolicy(\"{authorizationPolicy}\", ...)).");
        }

        if (endpoints.ServiceProvider.GetService<IAuditLog>() is null)
        {
            throw new InvalidOperationException("MapAuditLogViewer needs a store that can be read (the embedded SQLite store or PostgreSQL); the in-memory store cannot be viewed.");
        }

        var viewer = endpoints.MapGroup(pattern).RequireAuthorization(authorizationPolicy);
        // One route matches both /audit and /audit/ (routing ignores a trailing slash); the page's relative links need the slash.
        viewer.MapGet("/", static context =>
        {
            if (!context.Request.Path.Value!.EndsWith('/'))
            {
                context.Response.Redirect(context.Request.PathBase + context.Request.Path + "/" + context.Request.QueryString);
                return Task.CompletedTask;
            }

            return AuditLogViewerAssets.WriteAsync(context, "index.html");
        });
        viewer.MapGet("/assets/{name}", static context => AuditLogViewerAssets.WriteAsync(context, (string)context.GetRouteValue("name")!));

        // The page and the export (a download link) send a signed-out browser to sign in; the JSON the page
        // fetches answers 401 or 403 instead, as scripts expect.
        viewer.MapGet("/api/export", AuditLogViewerApi.ExportAsync);
        var api = viewer.MapGroup("/api").DisableCookieRedirect();
        api.MapGet("/events", AuditLogViewerApi.ListAsync);
        api.MapGet("/events/{id}", AuditLogViewerApi.DetailAsync);
        api.MapGet("/verify", AuditLogViewerApi.VerifyAsync);
        return viewer;
    }
}
