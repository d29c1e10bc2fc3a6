namespace AuditGen.AspNetCore;

/// <summary>How audited HTTP requests become events; bound from <c>AuditGen:Http</c>.</summary>
public sealed class AuditHttpOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:Http";

    /// <summary>Record requests that succeeded (status below 400). Default <see langword="true"/>.</summary>
    public bool RecordSuccesses { get; set; } = true;

    /// <summary>Record requests that failed (status 400 or above, or an exception), including 401/403 refusals. Default <see langword="true"/>.</summary>
    public bool RecordFailures { get; set; } = true;

    /// <summary>Status codes never recorded, e.g. 404 for probing noise. Default: none.</summary>
    public IList<int> IgnoredStatusCodes { get; } = [];

    /// <summary>The claim that holds the organization id (default <c>org_id</c>); empty to not read a claim.</summary>
    public string OrganizationClaimType { get; set; } = "org_id";

    /// <summary>The route value that holds the organization id when no claim does (default <c>organizationId</c>); empty to not read one.</summary>
    public string OrganizationRouteValue { get; set; } = "organizationId";

    /// <summary>
    /// A request header that holds the organization id when neither claim nor route value does. Off by
    /// default: a header is whatever the client sends, so only use it behind a gateway that sets it.
    /// </summary>
    public string? OrganizationHeader { get; set; }

    /// <summary>The organization used when no source gives one; without it such events are stored marked rejected.</summary>
    public string? DefaultOrganizationId { get; set; }

    /// <summary>User agents longer than this are cut (default 512).</summary>
    public int MaxUserAgentLength { get; set; } = 512;
}
