namespace AuditGen.Export;

/// <summary>The export file formats.</summary>
public enum AuditExportFormat
{
    /// <summary>RFC 4180 CSV, one row per event, formula-like cells neutralised.</summary>
    Csv,

    /// <summary>A JSON array of <c>{"id", "organization_id", "event"}</c> objects.</summary>
    Json,

    /// <summary>The same objects, one per line.</summary>
    JsonLines,
}
