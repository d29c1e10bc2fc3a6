using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Analyzers;

/// <summary>AuditGen's types, resolved once per compilation.</summary>
internal sealed class AuditSymbols
{
    private AuditSymbols(Compilation compilation, INamedTypeSymbol audited)
    {
        Audited = audited;
        Target = compilation.GetTypeByMetadataName("AuditGen.AuditTargetAttribute");
        Actor = compilation.GetTypeByMetadataName("AuditGen.AuditActorAttribute");
        Organization = compilation.GetTypeByMetadataName("AuditGen.AuditOrganizationAttribute");
        Metadata = compilation.GetTypeByMetadataName("AuditGen.AuditMetadataAttribute");
        MetadataObject = compilation.GetTypeByMetadataName("AuditGen.Events.AuditMetadata");
        Draft = compilation.GetTypeByMetadataName("AuditGen.Events.AuditEventDraft");
        MaxLength = compilation.GetTypeByMetadataName("System.ComponentModel.DataAnnotations.MaxLengthAttribute");
        StringLength = compilation.GetTypeByMetadataName("System.ComponentModel.DataAnnotations.StringLengthAttribute");
    }

    public INamedTypeSymbol Audited { get; }

    public INamedTypeSymbol? Target { get; }

    public INamedTypeSymbol? Actor { get; }

    public INamedTypeSymbol? Organization { get; }

    public INamedTypeSymbol? Metadata { get; }

    public INamedTypeSymbol? MetadataObject { get; }

    public INamedTypeSymbol? Draft { get; }

    public INamedTypeSymbol? MaxLength { get; }

    public INamedTypeSymbol? StringLength { get; }

    /// <summary>The symbols, or <see langword="null"/> when the compilation does not reference AuditGen.</summary>
    public static AuditSymbols? From(Compilation compilation) =>
        compilation.GetTypeByMetadataName("AuditGen.AuditedAttribute") is { } audited ? new AuditSymbols(compilation, audited) : null;

    public bool IsAudited(AttributeData attribute) => SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, Audited);
}
