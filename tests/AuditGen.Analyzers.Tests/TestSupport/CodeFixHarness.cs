using AuditGen.Generators.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace AuditGen.Analyzers.Tests.TestSupport;

/// <summary>Applies a code fix in an <see cref="AdhocWorkspace"/>, as the IDE does, and checks the result.</summary>
internal static class CodeFixHarness
{
    /// <summary>The code actions offered for the one <paramref name="diagnosticId"/> in <paramref name="source"/>.</summary>
    public static async Task<(Document Document, List<CodeAction> Actions)> OffersAsync(AdhocWorkspace workspace, string source, string diagnosticId, CodeFixProvider provider)
    {
        var document = AddDocument(workspace, source);
        var diagnostic = Assert.Single(await AnalyzeAsync(document), d => d.Id == diagnosticId);
        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return (document, actions);
    }

    /// <summary>Applies the only fix offered and returns the new text, after checking it compiles and the diagnostic is gone.</summary>
    public static async Task<string> ApplyAsync(string source, string diagnosticId, CodeFixProvider provider)
    {
        using var workspace = new AdhocWorkspace();
        var (document, actions) = await OffersAsync(workspace, source, diagnosticId, provider);
        var action = Assert.Single(actions);
        var operation = Assert.Single((await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
        var fixedDocument = operation.ChangedSolution.GetDocument(document.Id)!;

        var compilation = (await fixedDocument.Project.GetCompilationAsync())!;
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
        Assert.DoesNotContain(await AnalyzeAsync(fixedDocument), d => d.Id == diagnosticId);
        return (await fixedDocument.GetTextAsync()).ToString();
    }

    private static Document AddDocument(AdhocWorkspace workspace, string source)
    {
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Default,
            "Fixed",
            "Fixed",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest),
            metadataReferences: AnalyzerHarness.References));
        return workspace.AddDocument(project.Id, "Program.cs", SourceText.From(source));
    }

    private static async Task<IReadOnlyList<Diagnostic>> AnalyzeAsync(Document document)
    {
        var compilation = (await document.Project.GetCompilationAsync())!;
        var diagnostics = await compilation.WithAnalyzers([new AuditAnnotationAnalyzer()]).GetAllDiagnosticsAsync();
        Assert.DoesNotContain(diagnostics, d => d.Id == "AD0001");
        return diagnostics;
    }
}
