using AuditGen.Events;

namespace AuditGen.Stores;

/// <summary>What the stores keep beside the event JSON for the export filters, derived the same way by every store.</summary>
internal static class FilterColumns
{
    /// <summary>The event's distinct target types, in ordinal order.</summary>
    public static string[] TargetTypes(IReadOnlyList<AuditTarget?>? targets) =>
        targets is null || targets.Count == 0
            ? []
            : targets.Select(static target => target?.Type ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}
