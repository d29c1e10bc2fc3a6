using System.Collections.Immutable;

namespace AuditGen.Generators.Model;

/// <summary>
/// Sites are told apart at run time by the file and line of their attribute; two on one line would
/// be confused, so they are reported and left out of the generated code.
/// </summary>
internal static class SiteIdentity
{
    public static IEnumerable<DiagnosticInfo> Collisions(ImmutableArray<AuditSiteSpec> sites) =>
        Colliding(sites).Select(site => new DiagnosticInfo(
            "AG1002",
            site.AttributeLocation,
            new[] { site.Action, site.SourceLineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) }.ToEquatableArray()));

    public static ImmutableArray<AuditSiteSpec> WithoutCollisions(ImmutableArray<AuditSiteSpec> sites)
    {
        var colliding = new HashSet<AuditSiteSpec>(Colliding(sites));
        return colliding.Count == 0 ? sites : sites.Where(s => !colliding.Contains(s)).ToImmutableArray();
    }

    private static IEnumerable<AuditSiteSpec> Colliding(ImmutableArray<AuditSiteSpec> sites) =>
        sites.GroupBy(s => (s.SourceFilePath, s.SourceLineNumber)).Where(g => g.Count() > 1).SelectMany(g => g);
}
