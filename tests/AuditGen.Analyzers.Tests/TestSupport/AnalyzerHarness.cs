using System.Collections.Immutable;
using System.Text.RegularExpressions;
using AuditGen.Generators;
using AuditGen.Generators.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace AuditGen.Analyzers.Tests.TestSupport;

/// <summary>
/// Runs the generator, then the analyzer through <see cref="CompilationWithAnalyzers"/>, over source
/// written with markup: <c>{|AG0003:"bad key"|}</c> expects AG0003 exactly on <c>"bad key"</c>.
/// </summary>
internal static partial class AnalyzerHarness
{
    public static ImmutableArray<MetadataReference> References { get; } =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(AuditedAttribute).Assembly.Location),
    ];

    public const string Usings = """
        using System;
        using System.ComponentModel.DataAnnotations;
        using System.Threading.Tasks;
        using AuditGen;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;
        using Microsoft.AspNetCore.Mvc;

        """;

    /// <summary>
    /// Asserts that the analyzer reports exactly the marked warnings and errors, and nothing crashes.
    /// Info-level diagnostics are compared too when <paramref name="includeInfo"/> is set.
    /// </summary>
    public static async Task VerifyAsync(string markup, bool includeInfo = false)
    {
        var (source, expected) = Parse(Usings + markup);
        var actual = (await DiagnosticsAsync(source)).Where(d => includeInfo || d.Severity > DiagnosticSeverity.Info);

        Assert.Equal(
            expected.Select(e => $"{e.Id} {e.Span} {source.Substring(e.Span.Start, e.Span.Length)}").Order(),
            actual.Select(d => $"{d.Id} {d.Location.SourceSpan} {source.Substring(d.Location.SourceSpan.Start, d.Location.SourceSpan.Length)}").Order());
    }

    /// <summary>The analyzer's diagnostics on <paramref name="source"/>, after checking it compiles and no analyzer failed.</summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(string source)
    {
        var compilation = Compile(source);
        var analyzed = compilation.WithAnalyzers([new AuditAnnotationAnalyzer()], new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: true, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var all = await analyzed.GetAllDiagnosticsAsync();

        Assert.DoesNotContain(all, d => d.Id == "AD0001");
        var errors = all.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("AG", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
        return [.. all.Where(d => d.Id.StartsWith("AG0", StringComparison.Ordinal))];
    }

    /// <summary>The user's compilation with the generator's output added, as the compiler would see it.</summary>
    public static Compilation Compile(string source)
    {
        var parseOptions = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(
            "Analyzed",
            [CSharpSyntaxTree.ParseText(source, parseOptions, "/src/Program.cs")],
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        CSharpGeneratorDriver.Create([new AuditGenerator().AsSourceGenerator()], parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return output;
    }

    private static (string Source, List<(string Id, TextSpan Span)> Expected) Parse(string markup)
    {
        var expected = new List<(string, TextSpan)>();
        var source = new System.Text.StringBuilder();
        var position = 0;
        foreach (Match match in Marker().Matches(markup))
        {
            source.Append(markup, position, match.Index - position);
            expected.Add((match.Groups["id"].Value, new TextSpan(source.Length, match.Groups["text"].Length)));
            source.Append(match.Groups["text"].Value);
            position = match.Index + match.Length;
        }

        source.Append(markup, position, markup.Length - position);
        return (source.ToString(), expected);
    }

    [GeneratedRegex(@"\{\|(?<id>AG\d{4}):(?<text>.*?)\|\}", RegexOptions.Singleline)]
    private static partial Regex Marker();
}
