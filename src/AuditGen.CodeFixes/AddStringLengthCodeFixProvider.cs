using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AuditGen.CodeFixes;

/// <summary>
/// AG0006: adds <c>[StringLength(500)]</c> to an unbounded string metadata source. <c>[StringLength]</c> rather than
/// <c>[MaxLength]</c>: the latter's validation reflects over the value and warns under trimming and Native AOT (IL2026).
/// On a positional record parameter it goes on the parameter, where MVC's validation of records requires it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddStringLengthCodeFixProvider))]
[Shared]
public sealed class AddStringLengthCodeFixProvider : CodeFixProvider
{
    private const string DataAnnotations = "System.ComponentModel.DataAnnotations";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ["AG0006"];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            var declaration = root?.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<SyntaxNode>(n => n is ParameterSyntax or PropertyDeclarationSyntax);
            if (declaration is null)
            {
                continue;
            }

            context.RegisterCodeFix(
                CodeAction.Create("Add [StringLength(500)]", cancellationToken => AddAsync(context.Document, declaration, cancellationToken), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> AddAsync(Document document, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax)(await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false))!;
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var imported = model!.LookupNamespacesAndTypes(declaration.SpanStart, name: "StringLengthAttribute").Any(s => s.ContainingNamespace?.ToDisplayString() == DataAnnotations);

        var attribute = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(
            SyntaxFactory.Attribute(
                SyntaxFactory.IdentifierName("StringLength"),
                SyntaxFactory.ParseAttributeArgumentList("(500)"))));

        SyntaxNode updated = declaration switch
        {
            ParameterSyntax parameter => parameter.AddAttributeLists(attribute),
            PropertyDeclarationSyntax property => property.AddAttributeLists(attribute.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)),
            _ => declaration,
        };

        var newRoot = root.ReplaceNode(declaration, updated);
        if (!imported)
        {
            newRoot = newRoot.AddUsings(SyntaxFactory.UsingDirective(SyntaxFactory.ParseName(DataAnnotations)).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed));
        }

        return document.WithSyntaxRoot(newRoot);
    }
}
