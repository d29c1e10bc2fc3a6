using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using AuditGen.Generators;
using AuditGen.Generators.Analyzers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AuditGen.Benchmarks;

/// <summary>
/// What AuditGen costs the build (issue 8, item 6): a project of 1,000 audited minimal-API endpoints in 10 files, run
/// through AuditGen's generator and through ASP.NET Core's Request Delegate Generator (from the installed SDK) with
/// <see cref="CSharpGeneratorDriver"/>, as the compiler runs them: a full run, an edit of one handler's body, and an
/// edit in a file with no audited code; plus AuditGen's analyzer over the whole project. The baseline of each
/// category is RDG, so the Ratio column is AuditGen / RDG.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GeneratorBenchmarks
{
    private const int Files = 10;

    private const int EndpointsPerFile = 100;

    private static readonly CSharpParseOptions s_parseOptions = CSharpParseOptions.Default
        .WithLanguageVersion(LanguageVersion.Latest)
        .WithFeatures([new("InterceptorsNamespaces", "Microsoft.AspNetCore.Http.Generated")]);

    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _handlerEdited = null!;
    private CSharpCompilation _unrelatedEdited = null!;
    private GeneratorDriver _auditGenWarm = null!;
    private GeneratorDriver _rdgWarm = null!;
    private ISourceGenerator _auditGen = null!;
    private ISourceGenerator _rdg = null!;

    [GlobalSetup]
    public void CreateProject()
    {
        var trees = Enumerable.Range(0, Files).Select(file => CSharpSyntaxTree.ParseText(EndpointFile(file, edited: false), s_parseOptions, $"Endpoints{file}.cs")).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(UnrelatedFile("a"), s_parseOptions, "Unrelated.cs"));
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        _compilation = CSharpCompilation.Create("Bench", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        _handlerEdited = _compilation.ReplaceSyntaxTree(trees[3], CSharpSyntaxTree.ParseText(EndpointFile(3, edited: true), s_parseOptions, "Endpoints3.cs"));
        _unrelatedEdited = _compilation.ReplaceSyntaxTree(trees[^1], CSharpSyntaxTree.ParseText(UnrelatedFile("b"), s_parseOptions, "Unrelated.cs"));

        _auditGen = new AuditGenerator().AsSourceGenerator();
        _rdg = LoadRequestDelegateGenerator();
        _auditGenWarm = Driver(_auditGen).RunGenerators(_compilation);
        _rdgWarm = Driver(_rdg).RunGenerators(_compilation);

        // Both generators must really produce code for the 1,000 endpoints, or the comparison means nothing.
        foreach (var (name, driver) in new[] { ("AuditGen", _auditGenWarm), ("RDG", _rdgWarm) })
        {
            var result = driver.GetRunResult().Results.Single();
            if (result.Exception is not null || result.GeneratedSources.IsEmpty || result.GeneratedSources.Sum(source => source.SourceText.Length) < 100_000)
            {
                throw new InvalidOperationException($"{name} did not generate code for the benchmark project: {result.Exception}");
            }
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("full run")]
    public GeneratorDriver RdgFull() => Driver(_rdg).RunGenerators(_compilation);

    [Benchmark, BenchmarkCategory("full run")]
    public GeneratorDriver AuditGenFull() => Driver(_auditGen).RunGenerators(_compilation);

    [Benchmark(Baseline = true), BenchmarkCategory("run again, nothing changed")]
    public GeneratorDriver RdgNoChange() => _rdgWarm.RunGenerators(_compilation);

    [Benchmark, BenchmarkCategory("run again, nothing changed")]
    public GeneratorDriver AuditGenNoChange() => _auditGenWarm.RunGenerators(_compilation);

    [Benchmark(Baseline = true), BenchmarkCategory("edit one handler")]
    public GeneratorDriver RdgHandlerEdit() => _rdgWarm.RunGenerators(_handlerEdited);

    [Benchmark, BenchmarkCategory("edit one handler")]
    public GeneratorDriver AuditGenHandlerEdit() => _auditGenWarm.RunGenerators(_handlerEdited);

    [Benchmark(Baseline = true), BenchmarkCategory("edit unrelated code")]
    public GeneratorDriver RdgUnrelatedEdit() => _rdgWarm.RunGenerators(_unrelatedEdited);

    [Benchmark, BenchmarkCategory("edit unrelated code")]
    public GeneratorDriver AuditGenUnrelatedEdit() => _auditGenWarm.RunGenerators(_unrelatedEdited);

    [Benchmark, BenchmarkCategory("analyzer")]
    public ImmutableArray<Diagnostic> AuditGenAnalyzer() =>
        _compilation.WithAnalyzers([new AuditAnnotationAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

    private static CSharpGeneratorDriver Driver(ISourceGenerator generator) =>
        CSharpGeneratorDriver.Create([generator], parseOptions: s_parseOptions, driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));

    /// <summary>The Request Delegate Generator shipped in the installed ASP.NET Core targeting pack.</summary>
    private static ISourceGenerator LoadRequestDelegateGenerator()
    {
        var dotnetRoot = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var pack = Directory.GetDirectories(Path.Combine(dotnetRoot, "packs", "Microsoft.AspNetCore.App.Ref")).OrderByDescending(path => Version.Parse(Path.GetFileName(path).Split('-')[0])).First();
        var assembly = Assembly.LoadFrom(Path.Combine(pack, "analyzers", "dotnet", "cs", "Microsoft.AspNetCore.Http.RequestDelegateGenerator.dll"));
        var type = assembly.GetTypes().Single(type => typeof(IIncrementalGenerator).IsAssignableFrom(type) && !type.IsAbstract);
        return ((IIncrementalGenerator)Activator.CreateInstance(type)!).AsSourceGenerator();
    }

    private static string EndpointFile(int file, bool edited)
    {
        var source = new StringBuilder($$"""
            using AuditGen;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;

            namespace Bench;

            public static class Endpoints{{file}}
            {
                public static void Map(WebApplication app)
                {

            """);
        for (var i = 0; i < EndpointsPerFile; i++)
        {
            var n = file * EndpointsPerFile + i;
            var result = edited && i == 0 ? "TypedResults.Ok(body with { Name = body.Name.Trim() })" : "TypedResults.Ok(body)";
            source.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $$"""        app.MapPost("/orgs/{organizationId}/items{{n}}/{itemId}", [Audited("item{{n}}.updated")] ([AuditTarget("item")] string itemId, UpdateItem{{file}} body) => {{result}});""");
        }

        source.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $$"""
                }
            }

            public sealed record UpdateItem{{file}}([property: AuditMetadata("name")] string Name, [property: AuditMetadata("quantity")] int Quantity);
            """);
        return source.ToString();
    }

    private static string UnrelatedFile(string variant) => $$"""
        namespace Bench;

        public static class Unrelated
        {
            public static string Describe(int value) => "{{variant}}" + value;
        }
        """;
}
