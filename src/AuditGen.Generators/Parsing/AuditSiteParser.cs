using AuditGen.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AuditGen.Generators.Parsing;

/// <summary>Reads one <c>[Audited]</c> site into an <see cref="AuditSiteSpec"/>.</summary>
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
        return new AuditSiteSpec(action, filePath, line, DescribeHandler(context.TargetSymbol));
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
