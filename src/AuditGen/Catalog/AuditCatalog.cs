using System.Collections.Concurrent;

namespace AuditGen.Catalog;

/// <summary>
/// Every audited annotation site of the application. The source generator registers each
/// assembly's sites from a module initializer, so the catalog is complete before any endpoint runs.
/// </summary>
public static class AuditCatalog
{
    private static readonly ConcurrentDictionary<(string File, int Line), AuditActionDescriptor> s_sites = new();

    /// <summary>Every registered site, ordered by action, file and line.</summary>
    public static IReadOnlyList<AuditActionDescriptor> Sites =>
        s_sites.Values.OrderBy(static s => s.Action, StringComparer.Ordinal)
            .ThenBy(static s => s.SourceFilePath, StringComparer.Ordinal)
            .ThenBy(static s => s.SourceLineNumber)
            .ToArray();

    /// <summary>Finds the site an <see cref="AuditedAttribute"/> was written at.</summary>
    public static AuditActionDescriptor? Find(AuditedAttribute attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return s_sites.GetValueOrDefault((attribute.SourceFilePath, attribute.SourceLineNumber));
    }

    /// <summary>Called by generated code; not meant for application code.</summary>
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public static void Register(AuditActionDescriptor site)
    {
        ArgumentNullException.ThrowIfNull(site);
        s_sites[(site.SourceFilePath, site.SourceLineNumber)] = site;
    }
}
