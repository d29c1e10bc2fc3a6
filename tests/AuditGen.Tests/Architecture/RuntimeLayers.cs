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

    /// <summary>The folder a namespace belongs to (<c>AuditGen.Stores.Sqlite</c> is in <c>AuditGen.Stores</c>); null for generated code outside the layers.</summary>
    public static string? FolderOf(string? ns)
    {
        if (string.IsNullOrEmpty(ns))
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

        return ns == "AuditGen" || s_layers.Any(layer => layer.Contains(ns)) ? ns : null;
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
}
