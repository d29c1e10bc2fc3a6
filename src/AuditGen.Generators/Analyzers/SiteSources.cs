using AuditGen.Generators.Model;
using AuditGen.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Analyzers;

/// <summary>One declared source of a site, with what the analyzer needs to judge and locate it.</summary>
/// <param name="Role">What the value becomes.</param>
/// <param name="Name">Target type or metadata key.</param>
/// <param name="Owner">For metadata: <c>event</c>, <c>actor</c> or <c>target:&lt;type&gt;</c>.</param>
/// <param name="ValueType">The type of the value, or <see langword="null"/> for a constant.</param>
/// <param name="Constant">The constant's kind, for constant metadata.</param>
/// <param name="Declaration">The parameter, property or method the attribute is on.</param>
/// <param name="Location">The attribute, where diagnostics about the source go.</param>
internal sealed record SiteSource(CaptureRole Role, string Name, string Owner, ITypeSymbol? ValueType, ValueKind? Constant, ISymbol Declaration, Location Location)
{
    public ValueKind Kind => Constant ?? Types.Value(ValueType!).Kind;
}

/// <summary>Finds every declared source of a site, the way the generator's parser does, keeping symbols and locations.</summary>
internal static class SiteSources
{
    public static List<SiteSource> Collect(IEnumerable<IMethodSymbol> handlers, ISymbol site)
    {
        var sources = new List<SiteSource>();
        AddConstants(site, sources);
        if (site is IMethodSymbol { MethodKind: MethodKind.Ordinary } method && AuditSiteParser.IsController(method.ContainingType))
        {
            AddConstants(method.ContainingType, sources);
        }

        foreach (var handler in handlers)
        {
            var within = handler.ContainingAssembly;
            foreach (var parameter in handler.Parameters)
            {
                if (Types.IsFrameworkProvided(parameter.Type))
                {
                    continue;
                }

                AddAnnotated(parameter, parameter.Type, parameter.GetAttributes(), sources);
                if (!Types.IsSimple(parameter.Type))
                {
                    AddProperties(parameter.Type, within, sources);
                }
            }

            foreach (var resultType in Types.ResultValueTypes(handler.ReturnType))
            {
                AddAnnotated(handler, resultType, handler.GetReturnTypeAttributes(), sources);
                AddProperties(resultType, within, sources);
            }
        }

        // One declaration can be reached twice (a type that is both the body and the result): it is one source.
        return sources.GroupBy(s => (s.Declaration, s.Location.SourceSpan, s.Location.SourceTree)).Select(g => g.First()).ToList();
    }

    private static void AddConstants(ISymbol symbol, List<SiteSource> sources)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            if (AttributeRoles.IsMetadata(attribute)
                && attribute.ConstructorArguments.Length == 2
                && attribute.ConstructorArguments[0].Value is string key
                && Literals.TryFormat(attribute.ConstructorArguments[1], out _, out var kind)
                && Locate(attribute) is { } location)
            {
                sources.Add(new SiteSource(CaptureRole.Metadata, key, AttributeRoles.MetadataOwner(attribute), null, kind, symbol, location));
            }
        }
    }

    private static void AddProperties(ITypeSymbol type, IAssemblySymbol within, List<SiteSource> sources)
    {
        foreach (var (property, attribute) in Types.AnnotatedProperties(type, within))
        {
            if (AttributeRoles.TryGetRole(attribute, out var role, out var name, out var owner) && Locate(attribute) is { } location)
            {
                sources.Add(new SiteSource(role, name, owner, property.Type, null, property, location));
            }
        }
    }

    private static void AddAnnotated(ISymbol declaration, ITypeSymbol type, IEnumerable<AttributeData> attributes, List<SiteSource> sources)
    {
        foreach (var attribute in attributes)
        {
            if (AttributeRoles.TryGetRole(attribute, out var role, out var name, out var owner) && Locate(attribute) is { } location)
            {
                sources.Add(new SiteSource(role, name, owner, type, null, declaration, location));
            }
        }
    }

    private static Location? Locate(AttributeData attribute) => attribute.ApplicationSyntaxReference?.GetSyntax().GetLocation();
}
