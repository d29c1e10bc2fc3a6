namespace AuditGen.Generators;

/// <summary>Names of the generator's pipeline steps, for incremental-caching tests.</summary>
internal static class TrackingNames
{
    public const string AuditedSites = nameof(AuditedSites);
    public const string AuditedSiteCollection = nameof(AuditedSiteCollection);
}
