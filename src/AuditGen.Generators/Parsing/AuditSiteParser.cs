using AuditGen.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AuditGen.Generators.Parsing;

/// <summary>Reads one <c>[Audited]</c> site, and every source its handler declares, into an <see cref="AuditSiteSpec"/>.</summary>
internal static class AuditSiteParser
{
    public const string AuditedAttributeName = "AuditGen.AuditedAttribute";

    /// <summary>The syntax that can carry the attribute: methods, local functions, lambdas and classes.</summary>
    public static bool IsCandidate(SyntaxNode node, CancellationToken cancellationToken) =>
        node is MethodDeclarationSyntax or LocalFunctionStatementSyntax or LambdaExpressionSyntax or ClassDeclarationSyntax;

    public static AuditSiteSpec? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var attribute = context.Attributes[0];
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is not AttributeSyntax syntax
            || attribute.ConstructorArguments.Length == 0
            || attribute.ConstructorArguments[0].Value is not string action)
        {
            // A missing or non-constant action is a compile error the user already sees.
            return null;
        }

        var (filePath, line) = CallerInfo(syntax, context.SemanticModel.Compilation);
        var handler = DescribeHandler(context.TargetSymbol);
        var location = LocationInfo.From(syntax.GetLocation());
        var diagnostics = new List<DiagnosticInfo>();
        switch (context.TargetSymbol)
        {
            case IMethodSymbol method:
            {
                var isAction = method.MethodKind == MethodKind.Ordinary && IsController(method.ContainingType);
                var kind = isAction ? SiteKind.MvcAction : SiteKind.MinimalApi;
                var constants = Constants(method.GetAttributes());
                if (isAction)
                {
                    constants = Constants(method.ContainingType.GetAttributes()).Concat(constants);
                }

                var parsed = HandlerParser.Parse(method, kind, diagnostics);
                return new AuditSiteSpec(action, filePath, line, handler, kind, new[] { parsed }.ToEquatableArray(), constants.ToEquatableArray(), location, diagnostics.ToEquatableArray());
            }

            case INamedTypeSymbol type:
            {
                var actions = ControllerActions(type).Select(m => HandlerParser.Parse(m, SiteKind.MvcController, diagnostics)).ToArray();
                return new AuditSiteSpec(action, filePath, line, handler, SiteKind.MvcController, actions.ToEquatableArray(), Constants(type.GetAttributes()).ToEquatableArray(), location, diagnostics.ToEquatableArray());
            }

            default:
                return null;
        }
    }

    /// <summary>
    /// Computes what <c>[CallerFilePath]</c> and <c>[CallerLineNumber]</c> give the attribute's
    /// constructor: the compiler maps the file through the compilation's source reference resolver
    /// (which applies <c>PathMap</c>) and honours <c>#line</c> directives.
    /// </summary>
    private static (string FilePath, int Line) CallerInfo(AttributeSyntax syntax, Compilation compilation)
    {
        var span = syntax.SyntaxTree.GetMappedLineSpan(syntax.Span);
        var path = span.HasMappedPath ? span.Path : syntax.SyntaxTree.FilePath;
        var resolver = compilation.Options.SourceReferenceResolver;
        var mappedPath = resolver?.NormalizePath(path, baseFilePath: null) ?? path;
        return (mappedPath, span.StartLinePosition.Line + 1);
    }

    private static IEnumerable<ConstantMetadataSpec> Constants(IEnumerable<AttributeData> attributes)
    {
        foreach (var attribute in attributes)
        {
            if (AttributeRoles.IsMetadata(attribute)
                && attribute.ConstructorArguments.Length == 2
                && attribute.ConstructorArguments[0].Value is string key
                && Literals.TryFormat(attribute.ConstructorArguments[1], out var literal, out var kind))
            {
                yield return new ConstantMetadataSpec(AttributeRoles.MetadataOwner(attribute), key, literal, kind);
            }
        }
    }

    internal static bool IsController(INamedTypeSymbol? type)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.ToDisplayString() == "Microsoft.AspNetCore.Mvc.ControllerBase"
                || current.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() is "Microsoft.AspNetCore.Mvc.ControllerAttribute" or "Microsoft.AspNetCore.Mvc.ApiControllerAttribute"))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The actions a controller-level <c>[Audited]</c> covers: public instance methods, inherited ones
    /// included, except those with their own <c>[Audited]</c> (their own site covers them).
    /// </summary>
    internal static IEnumerable<IMethodSymbol> ControllerActions(INamedTypeSymbol controller)
    {
        var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
        for (var type = controller; type is not null && !IsFrameworkControllerBase(type); type = type.BaseType)
        {
            foreach (var method in type.GetMembers().OfType<IMethodSymbol>())
            {
                if (IsActionMethod(method)
                    && (method.OverriddenMethod is null || seen.Add(method.OverriddenMethod))
                    && seen.Add(method)
                    && !method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == AuditedAttributeName))
                {
                    yield return method;
                }
            }
        }
    }

    internal static bool IsActionMethod(IMethodSymbol method) =>
        method is { MethodKind: MethodKind.Ordinary, IsStatic: false, IsAbstract: false, DeclaredAccessibility: Accessibility.Public }
        && !method.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Microsoft.AspNetCore.Mvc.NonActionAttribute");

    private static bool IsFrameworkControllerBase(INamedTypeSymbol type) =>
        type.SpecialType == SpecialType.System_Object || type.ToDisplayString() is "Microsoft.AspNetCore.Mvc.ControllerBase" or "Microsoft.AspNetCore.Mvc.Controller";

    private static string DescribeHandler(ISymbol target) => target switch
    {
        IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda => $"lambda in {Describe(lambda.ContainingSymbol)}",
        IMethodSymbol { MethodKind: MethodKind.LocalFunction } local => $"{Describe(local.ContainingSymbol)}.{local.Name}",
        _ => Describe(target),
    };

    private static string Describe(ISymbol symbol) =>
        symbol is INamedTypeSymbol ? symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)
        : $"{symbol.ContainingType?.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}.{symbol.Name}";
}
