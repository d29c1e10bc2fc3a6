namespace AuditGen;

/// <summary>
/// Marks a parameter or property whose value is the event's organization id, overriding the
/// application's organization resolver for this endpoint.
/// </summary>
/// <example>
/// <code>
/// app.MapDelete("/orgs/{orgId}/teams/{teamId}", [Audited("team.deleted")] (
///     [AuditOrganization] string orgId, [AuditTarget("team")] string teamId) => ...);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property, AllowMultiple = false)]
public sealed class AuditOrganizationAttribute : Attribute;
