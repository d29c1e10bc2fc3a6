using AuditGen.Generators.Emitting;
using AuditGen.Generators.Model;
using AuditGen.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace AuditGen.Generators;

/// <summary>
/// Finds every <c>[Audited]</c> site and generates the code that connects it to the AuditGen runtime.
/// Parsing (<see cref="AuditSiteParser"/>) turns syntax into value-only models; emitting
/// (<see cref="AuditSitesEmitter"/>, <see cref="AuditEventBuildersEmitter"/>) is a pure function of those models.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class AuditGenerator : IIncrementalGenerator
{
    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var sites = context.SyntaxProvider
            .ForAttributeWithMetadataName(AuditSiteParser.AuditedAttributeName, AuditSiteParser.IsCandidate, AuditSiteParser.Parse)
            .Where(static site => site is not null)
            .Select(static (site, _) => site!)
            .WithTrackingName(TrackingNames.AuditedSites);

        var allSites = sites.Collect().WithTrackingName(TrackingNames.AuditedSiteCollection);

        // Diagnostics go out on their own, so a #pragma or .editorconfig suppression works as for any compiler diagnostic.
        context.RegisterSourceOutput(allSites, static (output, sites) =>
        {
            foreach (var diagnostic in sites.SelectMany(s => s.Diagnostics).Concat(SiteIdentity.Collisions(sites)))
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        context.RegisterSourceOutput(allSites, static (output, sites) =>
        {
            sites = SiteIdentity.WithoutCollisions(sites);
            if (!sites.IsEmpty)
            {
                output.AddSource(AuditSitesEmitter.HintName, AuditSitesEmitter.Emit(sites));
                output.AddSource(AuditEventBuildersEmitter.HintName, AuditEventBuildersEmitter.Emit(sites));
            }
        });
    }
}
