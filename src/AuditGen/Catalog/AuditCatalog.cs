using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace AuditGen.Catalog;

/// <summary>
/// Every audited annotation site of the application. Generated code registers each assembly's sites
/// from a module initializer, through <see cref="Internal.AuditSiteRegistry"/>. Module initializers run when a module is first used, so lookups run the
/// handler's module initializer first: a site in a library is found even before anything in it has run.
/// </summary>
public static class AuditCatalog
{
    private static readonly ConcurrentDictionary<(Module Module, string File, int Line), AuditSite> s_sites = new();
    private static readonly ConcurrentQueue<string> s_schemas = new();

    /// <summary>Every registered site, ordered by action, file and line.</summary>
    public static IReadOnlyList<AuditSite> Sites =>
        s_sites.Values.OrderBy(static s => s.Action, StringComparer.Ordinal)
            .ThenBy(static s => s.SourceFilePath, StringComparer.Ordinal)
            .ThenBy(static s => s.SourceLineNumber)
            .ToArray();

    /// <summary>
    /// Finds the site an <see cref="AuditedAttribute"/> was written at, in the module of the handler it
    /// is on; <see langword="null"/> when no generated code registered it (the generator did not run).
    /// </summary>
    /// <param name="attribute">The attribute, from endpoint metadata.</param>
    /// <param name="handlerModule">The module of the handler method (a file compiled into two assemblies is two sites).</param>
    public static AuditSite? Find(AuditedAttribute attribute, Module handlerModule)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        ArgumentNullException.ThrowIfNull(handlerModule);
        RuntimeHelpers.RunModuleConstructor(handlerModule.ModuleHandle);
        return s_sites.GetValueOrDefault((handlerModule, attribute.SourceFilePath, attribute.SourceLineNumber));
    }

    /// <summary>
    /// The WorkOS schema of every audited action of the assemblies loaded so far, keyed by action: each
    /// value is the body of <c>POST /audit_logs/actions/{action}/schemas</c>. The build writes each
    /// project's own actions, in the same form, to <c>auditgen.workos-schemas.json</c>.
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

    internal static void AddWorkOsSchemas(string json) => s_schemas.Enqueue(json);

    internal static void Add(AuditSite site) => s_sites[(site.GetType().Module, site.SourceFilePath, site.SourceLineNumber)] = site;
}
