using AuditGen.AspNetCore;

// In ASP.NET Core's namespace, like GetEndpoint(): the extension is found wherever HttpContext is.
namespace Microsoft.AspNetCore.Http;

/// <summary>Access to the event an audited request is building.</summary>
public static class AuditHttpContextExtensions
{
    /// <summary>
    /// The event of this request, to add targets or metadata from a handler. Outside an audited
    /// endpoint the draft is still returned but never written.
    /// </summary>
    public static AuditEventDraft GetAuditEventDraft(this HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var feature = httpContext.Features.Get<AuditRequestFeature>();
        if (feature is null)
        {
            feature = new AuditRequestFeature();
            httpContext.Features.Set(feature);
        }

        return feature.Draft;
    }
}
