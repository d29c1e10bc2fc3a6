using System.ComponentModel;
using AuditGen.Catalog;

namespace AuditGen.Internal;

/// <summary>
/// How generated code adds an assembly's sites and WorkOS schemas to <see cref="AuditCatalog"/>. Called from
/// generated module initializers only; not a public contract, and it may change in any release.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class AuditSiteRegistry
{
    /// <summary>Adds one annotation site.</summary>
    /// <param name="site">The generated site.</param>
    public static void Register(AuditSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        AuditCatalog.Add(site);
    }

    /// <summary>Adds the WorkOS schemas of one assembly's actions, as JSON keyed by action.</summary>
    /// <param name="json">The schemas.</param>
    public static void RegisterWorkOsSchemas(string json)
    {
        ArgumentException.ThrowIfNullOrEmpty(json);
        AuditCatalog.AddWorkOsSchemas(json);
    }
}
