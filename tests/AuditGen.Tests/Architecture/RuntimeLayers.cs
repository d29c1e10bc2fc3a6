namespace AuditGen.Tests.Architecture;

/// <summary>
/// The runtime's layers, lowest first. A folder (namespace) may use the layers below it and never one above it or
/// beside it; the composition root at the top wires them together.
/// </summary>
internal static class RuntimeLayers
{
    private static readonly string[][] s_layers =
    [
        ["AuditGen"],                                            // annotations and WorkOS's rules
        ["AuditGen.Events"],                                     // the event model, its JSON and validation
        ["AuditGen.Catalog"],                                    // the audited sites of the application
        ["AuditGen.Internal"],                                   // what generated code calls
        ["AuditGen.Ledger"],                                     // Merkle trees, proofs, signed checkpoints
        ["AuditGen.Pipeline"],                                   // writer, queue, store and sink contracts, workers
        ["AuditGen.Stores", "AuditGen.Sinks", "AuditGen.Export", "AuditGen.HealthChecks"],
        ["AuditGen.AspNetCore"],                                 // hooks, resolvers, the viewer
        ["Microsoft.Extensions.DependencyInjection"],            // the composition root: AddAuditGen, UseSqlite, UsePostgreSql
    ];

    // Extension methods live in the namespace of the type they extend, so that they are found without a using;
    // their files are in the AspNetCore folder.
    private static readonly Dictionary<string, string> s_extensionNamespaces = new(StringComparer.Ordinal)
    {
        ["Microsoft.AspNetCore.Http"] = "AuditGen.AspNetCore",
        ["Microsoft.AspNetCore.Builder"] = "AuditGen.AspNetCore",
    };

    // Namespaces that compilers and source generators put into the runtime's assemblies: not AuditGen's own code.
    private static readonly HashSet<string> s_generatedNamespaces = new(StringComparer.Ordinal)
    {
        "Microsoft.CodeAnalysis",
        "Microsoft.Extensions.Configuration.Binder.SourceGeneration",
        "System.Runtime.CompilerServices",
        "System.Text.RegularExpressions.Generated",
    };

    /// <summary>Whether a namespace holds only generated code (or is the global namespace of compiler-made types).</summary>
    public static bool IsGenerated(string? ns) => string.IsNullOrEmpty(ns) || s_generatedNamespaces.Contains(ns);

    /// <summary>The folder a namespace belongs to (<c>AuditGen.Stores.Sqlite</c> is in <c>AuditGen.Stores</c>); null for generated code.</summary>
    public static string? FolderOf(string? ns)
    {
        if (ns is null || IsGenerated(ns))
        {
            return null;
        }

        if (ns.StartsWith("AuditGen.", StringComparison.Ordinal))
        {
            var second = ns.IndexOf('.', "AuditGen.".Length);
            return second < 0 ? ns : ns[..second];
        }

        if (s_extensionNamespaces.TryGetValue(ns, out var folder))
        {
            return folder;
        }

        return ns;
    }

    /// <summary>The rank of a folder, or -1 for one that is in no layer (every new folder must be placed).</summary>
    public static int RankOf(string folder) => Array.FindIndex(s_layers, layer => layer.Contains(folder));

    /// <summary>Every dependency that breaks the layering, as "from -> to (because)" lines.</summary>
    public static IReadOnlyList<string> Violations(IEnumerable<(string FromType, string? FromNamespace, string ToType, string? ToNamespace)> dependencies)
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (fromType, fromNamespace, toType, toNamespace) in dependencies)
        {
            if (FolderOf(fromNamespace) is not { } from || FolderOf(toNamespace) is not { } to || from == to)
            {
                continue;
            }

            var (fromRank, toRank) = (RankOf(from), RankOf(to));
            if (fromRank < 0 || toRank < 0)
            {
                violations.Add($"{(fromRank < 0 ? from : to)} is in no layer: add it to {nameof(RuntimeLayers)}");
            }
            else if (toRank >= fromRank)
            {
                violations.Add($"{from} -> {to} ({fromType} uses {toType}): {(toRank == fromRank ? "a layer's folders are independent" : "a layer may not use one above it")}");
            }
        }

        return [.. violations];
    }

    /// <summary>
    /// Every cycle between namespaces, sub-namespaces included (<c>AuditGen.Events</c> and <c>AuditGen.Events.Json</c> are
    /// two), as "A -> B -> A" lines: the strongly connected components of the namespace graph that hold more than one.
    /// </summary>
    public static IReadOnlyList<string> Cycles(IEnumerable<(string From, string To)> namespaceDependencies)
    {
        var graph = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (from, to) in namespaceDependencies.Where(static d => d.From != d.To && !IsGenerated(d.From) && !IsGenerated(d.To)))
        {
            (graph.TryGetValue(from, out var targets) ? targets : graph[from] = new(StringComparer.Ordinal)).Add(to);
            graph.TryAdd(to, new(StringComparer.Ordinal));
        }

        var cycles = new List<string>();
        foreach (var component in StronglyConnected(graph).Where(static c => c.Count > 1))
        {
            var members = component.Order(StringComparer.Ordinal).ToList();
            var path = new List<string> { members[0] };
            while (path.Count <= members.Count)
            {
                var next = graph[path[^1]].First(members.Contains);
                path.Add(next);
                if (next == members[0])
                {
                    break;
                }
            }

            cycles.Add(string.Join(" -> ", path));
        }

        return cycles;
    }

    // Tarjan's algorithm.
    private static List<List<string>> StronglyConnected(Dictionary<string, SortedSet<string>> graph)
    {
        var (index, lowLink, onStack, stack, components) = (new Dictionary<string, int>(), new Dictionary<string, int>(), new HashSet<string>(), new Stack<string>(), new List<List<string>>());

        void Visit(string node)
        {
            index[node] = lowLink[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var next in graph[node])
            {
                if (!index.TryGetValue(next, out var nextIndex))
                {
                    Visit(next);
                    lowLink[node] = Math.Min(lowLink[node], lowLink[next]);
                }
                else if (onStack.Contains(next))
                {
                    lowLink[node] = Math.Min(lowLink[node], nextIndex);
                }
            }

            if (lowLink[node] == index[node])
            {
                var component = new List<string>();
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component.Add(member);
                }
                while (member != node);
                components.Add(component);
            }
        }

        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }
}
