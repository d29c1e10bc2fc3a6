using AuditGen.Catalog;

namespace AuditGen.AspNetCore;

/// <summary>A site whose assembly was built without the generator: the event still gets actor, organization, context and outcome.</summary>
internal sealed class UnregisteredAuditSite(AuditedAttribute attribute)
    : AuditSite(attribute.Action, attribute.SourceFilePath, attribute.SourceLineNumber, "(not generated)")
{
    public override AuditSiteShape Shape => AuditSiteShape.Empty;
}
