using Microsoft.AspNetCore.Http;

namespace AuditGen.AspNetCore;

/// <summary>Decides which organization an audited request belongs to. Replace it for your own tenancy model.</summary>
public interface IAuditOrganizationResolver
{
    /// <summary>The organization id, or <see langword="null"/> when the request carries none.</summary>
    string? Resolve(HttpContext httpContext);
}
