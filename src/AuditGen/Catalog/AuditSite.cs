using System.ComponentModel;
using AuditGen.Events;
using Microsoft.AspNetCore.Http;

namespace AuditGen.Catalog;

/// <summary>
/// One <see cref="AuditedAttribute"/> annotation site, implemented by generated code: what the
/// site audits and how to read its declared sources (parameters, bound types, the result) into an
/// <see cref="AuditEventDraft"/> without reflection.
/// </summary>
/// <remarks>Applications read a site's identity and shape; the capture members are for the generated code only.</remarks>
public abstract class AuditSite
{
    /// <summary>A site with its identity: what it audits, and where the attribute is.</summary>
    /// <param name="action">The WorkOS action.</param>
    /// <param name="sourceFilePath">The file of the attribute, as <see cref="AuditedAttribute.SourceFilePath"/> reports it.</param>
    /// <param name="sourceLineNumber">The line of the attribute.</param>
    /// <param name="handler">A readable name of what the attribute is on.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    protected AuditSite(string action, string sourceFilePath, int sourceLineNumber, string handler)
    {
        Action = action;
        SourceFilePath = sourceFilePath;
        SourceLineNumber = sourceLineNumber;
        Handler = handler;
    }

    /// <summary>The WorkOS action.</summary>
    public string Action { get; }

    /// <summary>The file of the attribute, as <see cref="AuditedAttribute.SourceFilePath"/> reports it.</summary>
    public string SourceFilePath { get; }

    /// <summary>The line of the attribute.</summary>
    public int SourceLineNumber { get; }

    /// <summary>A readable name of what the attribute is on, e.g. <c>lambda in Program.&lt;Main&gt;$</c>.</summary>
    public string Handler { get; }

    /// <summary>The event's shape: target types and metadata keys with their value kinds.</summary>
    public abstract AuditSiteShape Shape { get; }

    /// <summary>
    /// Reads the sources that the request itself carries (route, query, header), for requests whose
    /// handler never ran: refused by authorization, failed binding, thrown before the filter.
    /// </summary>
    /// <param name="actionMethod">The action method's name, for a site on a controller; empty otherwise.</param>
    /// <param name="httpContext">The request.</param>
    /// <param name="draft">The event being built.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public virtual void CaptureFromRequest(string actionMethod, HttpContext httpContext, AuditEventDraft draft)
    {
    }

    /// <summary>Reads the declared sources from a minimal-API handler's bound arguments, by position.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public virtual void CaptureFromArguments(IList<object?> arguments, AuditEventDraft draft)
    {
    }

    /// <summary>Reads the declared sources from an MVC action's bound arguments, by name.</summary>
    /// <param name="actionMethod">The action method's name, for a site on a controller.</param>
    /// <param name="arguments">The action's arguments.</param>
    /// <param name="draft">The event being built.</param>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public virtual void CaptureFromActionArguments(string actionMethod, IDictionary<string, object?> arguments, AuditEventDraft draft)
    {
    }

    /// <summary>Reads the declared sources from the handler's result, unwrapped from <c>Ok&lt;T&gt;</c> and friends.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public virtual void CaptureFromResult(string actionMethod, object? value, AuditEventDraft draft)
    {
    }

    /// <summary>Applies the constant metadata declared on the handler.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public virtual void ApplyConstants(AuditEventDraft draft)
    {
    }

    /// <summary>Applies the constant metadata unless an earlier hook of the same request did.</summary>
    internal void ApplyConstantsOnce(AuditEventDraft draft)
    {
        if (!draft.ConstantsApplied)
        {
            draft.ConstantsApplied = true;
            ApplyConstants(draft);
        }
    }
}
