using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AuditGen.Generators.Tests.TestSupport;

/// <summary>Runs <see cref="AuditGenerator"/> over source text with <see cref="CSharpGeneratorDriver"/>, as the compiler does.</summary>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> s_references = LoadReferences();

    public static CSharpCompilation Compile(IEnumerable<(string Path, string Source)> files, SourceReferenceResolver? resolver = null)
    {
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            .WithSourceReferenceResolver(resolver ?? SourceFileResolver.Default);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(f.Source, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest), f.Path));
        return CSharpCompilation.Create("Consumer" + Guid.NewGuid().ToString("N"), trees, s_references, options);
    }

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            [new AuditGenerator().AsSourceGenerator()],
            parseOptions: CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator and fails on any error in the generator's run or in the resulting compilation.</summary>
    public static (Compilation Output, GeneratorRunResult Result) Run(Compilation input)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var generatorDiagnostics);
        Assert.Empty(generatorDiagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
        return (output, driver.GetRunResult().Results.Single());
    }

    /// <summary>Runs the generator and returns what it reported, without judging it.</summary>
    public static (Compilation Output, GeneratorRunResult Result, IReadOnlyList<Diagnostic> Diagnostics) RunReporting(Compilation input)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        return (output, driver.GetRunResult().Results.Single(), diagnostics);
    }

    /// <summary>The text of one generated file.</summary>
    public static string Source(GeneratorRunResult result, string hintName) =>
        result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();

    /// <summary>Emits and loads the compilation in its own load context, running its module initializers.</summary>
    public static Assembly Load(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);
        Assert.True(emit.Success, string.Join(Environment.NewLine, emit.Diagnostics));
        stream.Position = 0;
        var assembly = new AssemblyLoadContext(compilation.AssemblyName, isCollectible: true).LoadFromStream(stream);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        return assembly;
    }

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return [.. platform.Select(path => MetadataReference.CreateFromFile(path)), MetadataReference.CreateFromFile(typeof(AuditedAttribute).Assembly.Location)];
    }
}
