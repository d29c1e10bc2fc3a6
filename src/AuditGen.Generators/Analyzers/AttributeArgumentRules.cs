using AuditGen.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AuditGen.Generators.Analyzers;

/// <summary>
/// Checks the constants written in AuditGen's attributes, wherever the attribute stands: action
/// names, metadata keys, constant values, and names that look sensitive. Reports at the argument.
/// </summary>
internal static class AttributeArgumentRules
{
    public static void Analyze(SyntaxNodeAnalysisContext context, AuditSymbols symbols)
    {
        var syntax = (AttributeSyntax)context.Node;
        if (!NameMayBeAudit(syntax.Name) || syntax.ArgumentList is null)
        {
            return;
        }

        if (context.SemanticModel.GetSymbolInfo(syntax, context.CancellationToken).Symbol is not IMethodSymbol { ContainingType: var type })
        {
            return;
        }

        var positional = syntax.ArgumentList.Arguments.Where(a => a.NameEquals is null).ToArray();
        if (SymbolEqualityComparer.Default.Equals(type, symbols.Audited) && positional.Length > 0)
        {
            CheckAction(context, positional[0].Expression);
        }
        else if (SymbolEqualityComparer.Default.Equals(type, symbols.Metadata) && positional.Length > 0)
        {
            var key = CheckKey(context, positional[0].Expression);
            if (positional.Length > 1)
            {
                CheckValue(context, positional[1].Expression, key);
            }

            CheckSensitive(context, syntax, key);
        }
    }

    public static void CheckKey(Action<Diagnostic> report, string key, Location location)
    {
        var problem = WorkOsRules.CheckMetadataKey(key) switch
        {
            MetadataKeyProblem.Empty => "is empty",
            MetadataKeyProblem.TooLong => $"has {key.Length} characters",
            MetadataKeyProblem.InvalidCharacter => $"contains '{key.First(c => WorkOsRules.CheckMetadataKey(c.ToString()) != MetadataKeyProblem.None)}'",
            _ => null,
        };
        if (problem is not null)
        {
            report(Diagnostic.Create(DiagnosticDescriptors.InvalidMetadataKey, location, key, problem));
        }
    }

    public static void CheckValueLength(Action<Diagnostic> report, object? constant, Location location)
    {
        if (constant is string text && WorkOsRules.IsStringValueTooLong(text))
        {
            report(Diagnostic.Create(DiagnosticDescriptors.ConstantValueTooLong, location, text.Length));
        }
    }

    private static void CheckAction(SyntaxNodeAnalysisContext context, ExpressionSyntax expression)
    {
        if (Constant(context, expression) is not string action)
        {
            return;
        }

        switch (WorkOsRules.CheckActionName(action))
        {
            case ActionNameProblem.Empty:
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidActionName, expression.GetLocation(), action, "empty"));
                break;
            case ActionNameProblem.TooLong:
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidActionName, expression.GetLocation(), action, $"{action.Length} characters long"));
                break;
            case ActionNameProblem.NotConventional:
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnconventionalActionName, expression.GetLocation(), action));
                break;
        }
    }

    private static string? CheckKey(SyntaxNodeAnalysisContext context, ExpressionSyntax expression)
    {
        if (Constant(context, expression) is not string key)
        {
            return null;
        }

        CheckKey(context.ReportDiagnostic, key, expression.GetLocation());
        return key;
    }

    private static void CheckValue(SyntaxNodeAnalysisContext context, ExpressionSyntax expression, string? key)
    {
        var constant = context.SemanticModel.GetConstantValue(expression, context.CancellationToken);
        if (constant is { HasValue: true, Value: null })
        {
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.MetadataSourceNotSimple, expression.GetLocation(), key ?? "null", "null"));
            return;
        }

        CheckValueLength(context.ReportDiagnostic, constant.HasValue ? constant.Value : null, expression.GetLocation());
    }

    /// <summary>The key and the name of what the attribute is on are both checked: a property named Password leaks under any key.</summary>
    private static void CheckSensitive(SyntaxNodeAnalysisContext context, AttributeSyntax syntax, string? key)
    {
        var declaration = syntax.Parent?.Parent switch
        {
            ParameterSyntax parameter => parameter.Identifier.ValueText,
            PropertyDeclarationSyntax property => property.Identifier.ValueText,
            _ => null,
        };

        foreach (var name in new[] { key, declaration })
        {
            if (name is not null && SensitiveNames.Classify(name) is { } meaning)
            {
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.SensitiveMetadata, syntax.GetLocation(), name, meaning));
                return;
            }
        }
    }

    private static object? Constant(SyntaxNodeAnalysisContext context, ExpressionSyntax expression)
    {
        var constant = context.SemanticModel.GetConstantValue(expression, context.CancellationToken);
        return constant.HasValue ? constant.Value : null;
    }

    /// <summary>A cheap test on the written name before asking the semantic model: every AuditGen attribute starts with "Audit".</summary>
    private static bool NameMayBeAudit(NameSyntax name)
    {
        var simple = name switch
        {
            QualifiedNameSyntax qualified => qualified.Right,
            AliasQualifiedNameSyntax alias => alias.Name,
            SimpleNameSyntax plain => plain,
            _ => null,
        };

        return simple?.Identifier.ValueText.StartsWith("Audit", StringComparison.Ordinal) == true;
    }
}
