using AuditGen.Ledger;
using AuditGen.Pipeline;

namespace AuditGen.Stores;

/// <summary>The pipeline's entries as the ledger stores them, the same for every database.</summary>
internal static class LedgerEntries
{
    public static LedgerEntry From(AuditEntry entry)
    {
        var auditEvent = entry.Event;
        return new LedgerEntry(
            auditEvent.Id.ToString(),
            auditEvent.OrganizationId ?? "",
            auditEvent.Action ?? "",
            auditEvent.OccurredAt.ToUnixTimeMilliseconds(),
            auditEvent.Actor?.Id ?? "",
            auditEvent.Actor?.Name,
            FilterColumns.TargetTypes(auditEvent.Targets),
            entry.EventJson,
            string.Join('\n', entry.Adjustments),
            entry.Rejection);
    }
}
