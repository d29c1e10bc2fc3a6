namespace AuditGen.AspNetCore;

/// <summary>Carries the current request's <see cref="AuditEventDraft"/> between the filter and the middleware.</summary>
internal sealed class AuditRequestFeature
{
    public AuditEventDraft Draft { get; } = new();
}
