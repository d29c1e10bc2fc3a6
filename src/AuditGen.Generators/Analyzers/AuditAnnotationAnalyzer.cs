using System.Collections.Immutable;
using AuditGen.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AuditGen.Generators.Analyzers;

/// <summary>
/// AuditGen's rules in the IDE and the build: what WorkOS would reject or truncate, what would leak,
/// and what would never run. The limits come from <c>WorkOsRules</c>, the same code the run-time
/// validator uses.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class AuditAnnotationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
    [
        DiagnosticDescriptors.UnconventionalActionName,
        DiagnosticDescriptors.InvalidActionName,
        DiagnosticDescriptors.InvalidMetadataKey,
        DiagnosticDescriptors.TooManyMetadataKeys,
        DiagnosticDescriptors.ConstantValueTooLong,
        DiagnosticDescriptors.UnboundedStringSource,
        DiagnosticDescriptors.DuplicateMetadataKey,
        DiagnosticDescriptors.ConflictingActionShapes,
        DiagnosticDescriptors.SourceCannotGiveId,
        DiagnosticDescriptors.NotAnEndpoint,
        DiagnosticDescriptors.SensitiveMetadata,
        DiagnosticDescriptors.MetadataSourceNotSimple,
        DiagnosticDescriptors.ResultCarriesNoValue,
        DiagnosticDescriptors.ActionWithoutTarget,
    ];

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (AuditSymbols.From(start.Compilation) is not { } symbols)
            {
                return;
            }

            var sites = new SiteRules(symbols);
            start.RegisterSyntaxNodeAction(c => AttributeArgumentRules.Analyze(c, symbols), SyntaxKind.Attribute);
            start.RegisterSymbolAction(c => sites.Analyze(c.Symbol, c.ReportDiagnostic), SymbolKind.Method, SymbolKind.NamedType);
            start.RegisterOperationAction(c => sites.Analyze(((IAnonymousFunctionOperation)c.Operation).Symbol, c.ReportDiagnostic), OperationKind.AnonymousFunction);
            start.RegisterOperationAction(c => sites.Analyze(((ILocalFunctionOperation)c.Operation).Symbol, c.ReportDiagnostic), OperationKind.LocalFunction);
            start.RegisterOperationAction(c => ConstantArgumentRules.AnalyzeInvocation(c, symbols), OperationKind.Invocation);
            start.RegisterOperationAction(c => ConstantArgumentRules.AnalyzeAssignment(c, symbols), OperationKind.SimpleAssignment);
            start.RegisterCompilationEndAction(end => sites.ReportConflicts(end.ReportDiagnostic));
        });
    }
}
