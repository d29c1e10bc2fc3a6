using System.Collections.Concurrent;
using System.ComponentModel;
using System.Text.Json.Nodes;

namespace AuditGen.Catalog;

/// <summary>
/// Every audited annotation site of the application. Generated code registers each assembly's
/// sites from a module initializer, so the catalog is complete before any endpoint is built.
/// </summary>
public static class AuditCatalog
{
    private static readonly ConcurrentDictionary<(string File, int Line), AuditSite> s_sites = new();
    private static readonly ConcurrentQueue<string> s_schemas = new();

    /// <summary>Every registered site, ordered by action, file and line.</summary>
    public static IReadOnlyList<AuditSite> Sites =>
        s_sites.Values.OrderBy(static s => s.Action, StringComparer.Ordinal)
            .ThenBy(static s => s.SourceFilePath, StringComparer.Ordinal)
            .ThenBy(static s => s.SourceLineNumber)
            .ToArray();

    /// <summary>Finds the site an <see cref="AuditedAttribute"/> was written at; <see langword="null"/> when no generated code registered it.</summary>
    public static AuditSite? Find(AuditedAttribute attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        return s_sites.GetValueOrDefault((attribute.SourceFilePath, attribute.SourceLineNumber));
    }

    /// <summary>
    /// The WorkOS schema of every audited action, keyed by action: each value is the body of
    /// <c>POST /audit_logs/actions/{action}/schemas</c>. The build writes the same JSON to
    /// <c>auditgen.workos-schemas.json</c> beside the application.
    /// </summary>
    public static string WorkOsSchemasJson
    {
        get
        {
            var merged = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var json in s_schemas)
            {
                foreach (var (action, schema) in JsonNode.Parse(json)!.AsObject())
                {
                    merged.TryAdd(action, schema?.DeepClone());
                }
            }

            return new JsonObject(merged).ToJsonString();
        }
    }

    /// <summary>Called by generated code; not meant for application code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void RegisterWorkOsSchemas(string json) => s_schemas.Enqueue(json);

    /// <summary>Called by generated code; not meant for application code.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public static void Register(AuditSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        s_sites[(site.SourceFilePath, site.SourceLineNumber)] = site;
    }
}
