using AuditGen.Events;

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
        // The draft is its own request feature: one object per request, not a holder and a draft.
        var draft = httpContext.Features.Get<AuditEventDraft>();
        if (draft is null)
        {
            draft = new AuditEventDraft();
            httpContext.Features.Set(draft);
        }

        return draft;
    }
}
