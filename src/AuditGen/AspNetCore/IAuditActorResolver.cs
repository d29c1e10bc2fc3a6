using AuditGen.Events;
using Microsoft.AspNetCore.Http;

namespace AuditGen.AspNetCore;

/// <summary>Decides who the actor of an audited request is. Replace it to read your own identity model.</summary>
public interface IAuditActorResolver
{
    /// <summary>The actor of <paramref name="httpContext"/>'s request; never <see langword="null"/>.</summary>
    AuditActor Resolve(HttpContext httpContext);
}
