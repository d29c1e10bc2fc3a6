using AuditGen.Catalog;

namespace AuditGen.AspNetCore;

/// <summary>A site whose assembly was built without the generator: the event still gets actor, organization, context and outcome.</summary>
internal sealed class UnregisteredAuditSite(AuditedAttribute attribute) : AuditSite
{
    public override string Action => attribute.Action;

    public override string SourceFilePath => attribute.SourceFilePath;

    public override int SourceLineNumber => attribute.SourceLineNumber;

    public override string Handler => "(not generated)";

    public override AuditSiteShape Shape => AuditSiteShape.Empty;
}
