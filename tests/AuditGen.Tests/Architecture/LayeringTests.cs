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
        var dependencies = s_runtime.Value.Types
            .Where(static type => IsRuntime(type))
            .SelectMany(static type => type.Dependencies.Where(static d => IsRuntime(d.Target)).Select(dependency => (
                FromType: type.FullName,
                FromNamespace: NamespaceOf(type),
                ToType: dependency.Target.FullName,
                ToNamespace: NamespaceOf(dependency.Target))))
            .Where(static d => d.ToType != d.FromType);

        var violations = RuntimeLayers.Violations(dependencies);

        Assert.True(violations.Count == 0, "The runtime's layering is broken:\n" + string.Join("\n", violations));
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
            ("AuditGen.Events.AuditMetadata", "AuditGen.Events", "AuditGen.Events.Json.AuditMetadataJsonConverter", "AuditGen.Events.Json"),
        ]);

        Assert.Equal(
            [
                "AuditGen.Pipeline -> AuditGen.AspNetCore (AuditGen.Pipeline.AuditStoreWriter uses AuditGen.AspNetCore.AuditHttpOptions): a layer may not use one above it",
                "AuditGen.Sinks -> AuditGen.Stores (AuditGen.Sinks.Logging.LoggingAuditSink uses AuditGen.Stores.Chain.AuditChain): a layer's folders are independent",
                "AuditGen.Witness is in no layer: add it to RuntimeLayers",
            ],
            violations);
    }

    private static bool IsRuntime(IType type) => type.Assembly?.Name?.StartsWith("AuditGen", StringComparison.Ordinal) == true;

    // A nested type's namespace is its declaring type's.
    private static string? NamespaceOf(IType type) => type.Namespace?.FullName is { Length: > 0 } ns ? ns : null;
}
