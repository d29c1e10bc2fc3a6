using ArchUnitNET.Domain;
using ArchUnitNET.Loader;
using AuditGen.Events;
using AuditGen.Stores.PostgreSql;

namespace AuditGen.Tests.Architecture;

public class LayeringTests
{
    private static readonly Lazy<ArchUnitNET.Domain.Architecture> s_runtime = new(() =>
        new ArchLoader().LoadAssemblies(typeof(AuditEvent).Assembly, typeof(PostgreSqlAuditStoreOptions).Assembly).Build());

    [Fact]
    public void No_folder_of_the_runtime_uses_one_above_or_beside_it()
    {
        var violations = RuntimeLayers.Violations(Dependencies());

        Assert.True(violations.Count == 0, "The runtime's layering is broken:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void No_two_namespaces_of_the_runtime_depend_on_each_other()
    {
        var cycles = RuntimeLayers.Cycles(Dependencies().Select(static d => (d.FromNamespace!, d.ToNamespace!)).Where(static d => d.Item1 is not null && d.Item2 is not null));

        Assert.True(cycles.Count == 0, "Namespaces of the runtime depend on each other:\n" + string.Join("\n", cycles));
    }

    [Fact]
    public void The_cycle_check_reports_namespaces_that_depend_on_each_other_through_any_path()
    {
        var cycles = RuntimeLayers.Cycles(
        [
            ("AuditGen.Events", "AuditGen.Events.Json"),
            ("AuditGen.Events.Json", "AuditGen.Events"),
            ("AuditGen.Stores.Sqlite", "AuditGen.Stores.Chain"),
            ("AuditGen.Stores.Chain", "AuditGen.Stores"),
            ("AuditGen.Stores", "AuditGen.Stores.Sqlite"),
            ("AuditGen.Sinks.WorkOs", "AuditGen.Pipeline"),
            ("Microsoft.Extensions.Configuration.Binder.SourceGeneration", "AuditGen.Pipeline"),
            ("AuditGen.Pipeline", "Microsoft.Extensions.Configuration.Binder.SourceGeneration"),
        ]);

        Assert.Equal(
            ["AuditGen.Events -> AuditGen.Events.Json -> AuditGen.Events", "AuditGen.Stores -> AuditGen.Stores.Sqlite -> AuditGen.Stores.Chain -> AuditGen.Stores"],
            cycles.Order(StringComparer.Ordinal));
    }

    private static List<(string FromType, string? FromNamespace, string ToType, string? ToNamespace)> Dependencies()
    {
        var dependencies = s_runtime.Value.Types
            .Where(static type => IsRuntime(type))
            .SelectMany(static type => type.Dependencies.Where(static d => IsRuntime(d.Target)).Select(dependency => (
                FromType: type.FullName,
                FromNamespace: NamespaceOf(type),
                ToType: dependency.Target.FullName,
                ToNamespace: NamespaceOf(dependency.Target))))
            .Where(static d => d.ToType != d.FromType);
        return dependencies.ToList();
    }

    [Fact]
    public void The_check_reports_a_layer_that_uses_one_above_it_and_a_folder_in_no_layer()
    {
        var violations = RuntimeLayers.Violations(
        [
            ("AuditGen.Pipeline.AuditStoreWriter", "AuditGen.Pipeline", "AuditGen.AspNetCore.AuditHttpOptions", "AuditGen.AspNetCore"),
            ("AuditGen.Sinks.Logging.LoggingAuditSink", "AuditGen.Sinks.Logging", "AuditGen.Stores.Chain.AuditChain", "AuditGen.Stores.Chain"),
            ("AuditGen.Pipeline.AuditStoreWriter", "AuditGen.Pipeline", "AuditGen.Witness.Cosigner", "AuditGen.Witness"),
            ("AuditGen.AspNetCore.AuditRequestRecorder", "AuditGen.AspNetCore", "AuditGen.Events.AuditEvent", "AuditGen.Events"),
            ("AuditGen.Events.Json.WorkOsJson", "AuditGen.Events.Json", "AuditGen.Events.AuditEvent", "AuditGen.Events"),
            ("Microsoft.Extensions.Configuration.Binder.SourceGeneration.BindingExtensions", "Microsoft.Extensions.Configuration.Binder.SourceGeneration", "AuditGen.AspNetCore.AuditHttpOptions", "AuditGen.AspNetCore"),
            ("Microsoft.Extensions.Logging.Generated", "Microsoft.Extensions.Logging.Generated", "AuditGen.Pipeline.AuditGenOptions", "AuditGen.Pipeline"),
        ]);

        Assert.Equal(
            [
                "AuditGen.Pipeline -> AuditGen.AspNetCore (AuditGen.Pipeline.AuditStoreWriter uses AuditGen.AspNetCore.AuditHttpOptions): a layer may not use one above it",
                "AuditGen.Sinks -> AuditGen.Stores (AuditGen.Sinks.Logging.LoggingAuditSink uses AuditGen.Stores.Chain.AuditChain): a layer's folders are independent",
                "AuditGen.Witness is in no layer: add it to RuntimeLayers",
                "Microsoft.Extensions.Logging.Generated is in no layer: add it to RuntimeLayers",
            ],
            violations);
    }

    private static bool IsRuntime(IType type) => type.Assembly?.Name?.StartsWith("AuditGen", StringComparison.Ordinal) == true;

    // A nested type's namespace is its declaring type's.
    private static string? NamespaceOf(IType type) => type.Namespace?.FullName is { Length: > 0 } ns ? ns : null;
}
