using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AuditGen.CodeFixes;

/// <summary>
/// AG0001: rewrites an action to <c>resource.past_tense_verb</c> (<c>User.SignedIn</c> → <c>user.signed_in</c>).
/// AG0003: renames a metadata key to letters, digits, <c>_</c> and <c>-</c>, at most 40 characters.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(ReplaceNameCodeFixProvider))]
[Shared]
public sealed class ReplaceNameCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ["AG0001", "AG0003"];

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
                || !literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                continue;
            }

            var current = literal.Token.ValueText;
            var replacement = diagnostic.Id == "AG0001" ? Conventions.ActionName(current) : Conventions.MetadataKey(current);
            if (replacement is null || replacement == current)
            {
                continue;
            }

            var title = diagnostic.Id == "AG0001" ? $"Rename action to '{replacement}'" : $"Rename key to '{replacement}'";
            context.RegisterCodeFix(
                CodeAction.Create(title, cancellationToken => ReplaceAsync(context.Document, literal, replacement, cancellationToken), equivalenceKey: diagnostic.Id),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, LiteralExpressionSyntax literal, string replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var updated = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(replacement)).WithTriviaFrom(literal);
        return document.WithSyntaxRoot(root!.ReplaceNode(literal, updated));
    }
}
