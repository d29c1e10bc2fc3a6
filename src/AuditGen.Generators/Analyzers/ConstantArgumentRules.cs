using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AuditGen.Generators.Analyzers;

/// <summary>
/// The same limits for constants passed in code: the generated builders' <c>With…</c> members,
/// <c>AuditMetadata</c>'s indexer and <c>Add</c>, and <c>AuditEventDraft.SetTargetMetadata</c>.
/// </summary>
internal static class ConstantArgumentRules
{
    public static void AnalyzeInvocation(OperationAnalysisContext context, AuditSymbols symbols)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.MetadataObject) && method.Name == "Add")
        {
            CheckKeyAndValue(context, Argument(invocation, 0), Argument(invocation, 1));
        }
        else if (SymbolEqualityComparer.Default.Equals(method.ContainingType, symbols.Draft) && method.Name == "SetTargetMetadata")
        {
            CheckKeyAndValue(context, Argument(invocation, 1), Argument(invocation, 2));
        }
        else if (IsGeneratedBuilder(method.ContainingType) && method.Name.StartsWith("With", StringComparison.Ordinal) && Argument(invocation, 0) is { } value)
        {
            AttributeArgumentRules.CheckValueLength(context.ReportDiagnostic, UnwrapConstant(value), value.Syntax.GetLocation());
        }
    }

    public static void AnalyzeAssignment(OperationAnalysisContext context, AuditSymbols symbols)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is IPropertyReferenceOperation { Property.IsIndexer: true } indexer
            && SymbolEqualityComparer.Default.Equals(indexer.Property.ContainingType, symbols.MetadataObject)
            && indexer.Arguments.Length == 1)
        {
            CheckKeyAndValue(context, indexer.Arguments[0].Value, assignment.Value);
        }
    }

    private static void CheckKeyAndValue(OperationAnalysisContext context, IOperation? key, IOperation? value)
    {
        if (key is not null && UnwrapConstant(key) is string text)
        {
            AttributeArgumentRules.CheckKey(context.ReportDiagnostic, text, key.Syntax.GetLocation());
        }

        if (value is not null)
        {
            AttributeArgumentRules.CheckValueLength(context.ReportDiagnostic, UnwrapConstant(value), value.Syntax.GetLocation());
        }
    }

    private static IOperation? Argument(IInvocationOperation invocation, int ordinal) =>
        invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == ordinal)?.Value;

    /// <summary>The constant behind implicit conversions (a string literal becomes an AuditMetadataValue through one).</summary>
    private static object? UnwrapConstant(IOperation operation)
    {
        while (operation is IConversionOperation conversion && !operation.ConstantValue.HasValue)
        {
            operation = conversion.Operand;
        }

        return operation.ConstantValue.HasValue ? operation.ConstantValue.Value : null;
    }

    private static bool IsGeneratedBuilder(INamedTypeSymbol? type) =>
        type is not null && type.Name.EndsWith("AuditEvent", StringComparison.Ordinal) && type.ContainingNamespace.ToDisplayString() == "AuditGen.Generated";
}
