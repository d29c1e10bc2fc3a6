using Microsoft.AspNetCore.Http;

namespace AuditGen.AspNetCore;

/// <summary>Carries the current request's <see cref="AuditEventDraft"/> between the filter and the middleware.</summary>
internal sealed class AuditRequestFeature
{
    public AuditEventDraft Draft { get; } = new();
}

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
