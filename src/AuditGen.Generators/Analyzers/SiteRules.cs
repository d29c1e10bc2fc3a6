using System.Collections.Concurrent;
using AuditGen.Generators.Diagnostics;
using AuditGen.Generators.Model;
using AuditGen.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Analyzers;

/// <summary>
/// Checks one audited site as a whole: whether it can run, whether its sources can give ids,
/// whether string sources are bounded, and each metadata object's keys (duplicates, count).
/// Records the site's shape so that sites sharing an action can be compared at the end.
/// </summary>
internal sealed class SiteRules(AuditSymbols symbols)
{
    /// <summary>Keys the HTTP hook adds to every event's own metadata.</summary>
    private static readonly string[] s_requestKeys = ["outcome", "status_code", "exception", "authorization"];

    private readonly ConcurrentBag<(string Action, string Shape, Location Location)> _shapes = [];

    public void Analyze(ISymbol site, Action<Diagnostic> report)
    {
        var audited = site.GetAttributes().FirstOrDefault(symbols.IsAudited);
        if (audited?.ApplicationSyntaxReference?.GetSyntax().GetLocation() is not { } location)
        {
            return;
        }

        if (NotAnEndpointReason(site) is { } reason)
        {
            report(Diagnostic.Create(DiagnosticDescriptors.NotAnEndpoint, location, Display(site), reason));
            return;
        }

        var handlers = site is INamedTypeSymbol controller
            ? AuditSiteParser.ControllerActions(controller).ToArray()
            : [(IMethodSymbol)site];

        var all = new List<SiteSource>();
        foreach (var handler in handlers)
        {
            var sources = SiteSources.Collect([handler], site);
            all.AddRange(sources);
            CheckSources(sources, site.ContainingAssembly, report);
            CheckResult(handler, report);
            CheckMetadataObjects(sources, Display(site is INamedTypeSymbol ? handler : site), location, report);
        }

        if (audited.ConstructorArguments.FirstOrDefault().Value is string action)
        {
            _shapes.Add((action, Shape(all), location));
            if (!all.Any(s => s.Role == CaptureRole.Target))
            {
                report(Diagnostic.Create(DiagnosticDescriptors.ActionWithoutTarget, location, action));
            }
        }
    }

    /// <summary>Sites of one action with different shapes: WorkOS keeps one schema per action.</summary>
    public void ReportConflicts(Action<Diagnostic> report)
    {
        foreach (var action in _shapes.GroupBy(s => s.Action))
        {
            var shapes = action.Select(s => s.Shape).Distinct().ToArray();
            if (shapes.Length < 2)
            {
                continue;
            }

            foreach (var site in action)
            {
                var elsewhere = string.Join(" | ", shapes.Where(s => s != site.Shape));
                report(Diagnostic.Create(DiagnosticDescriptors.ConflictingActionShapes, site.Location, action.Key, $"here {site.Shape}; elsewhere {elsewhere}"));
            }
        }
    }

    private void CheckSources(List<SiteSource> sources, IAssemblySymbol within, Action<Diagnostic> report)
    {
        foreach (var source in sources)
        {
            if (source.Role == CaptureRole.Metadata && source.ValueType is { } valueType && !Types.IsSimple(valueType))
            {
                report(Diagnostic.Create(DiagnosticDescriptors.MetadataSourceNotSimple, source.Location, Describe(source.Declaration), valueType.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
            }

            if (source.Role != CaptureRole.Metadata && source.ValueType is { } type && !CanGiveId(type, within))
            {
                report(Diagnostic.Create(DiagnosticDescriptors.SourceCannotGiveId, source.Location, Describe(source.Declaration), type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
            }

            if (source.Role == CaptureRole.Metadata
                && source.ValueType is { SpecialType: SpecialType.System_String }
                && !HasLengthBound(source.Declaration))
            {
                report(Diagnostic.Create(DiagnosticDescriptors.UnboundedStringSource, source.Location, Describe(source.Declaration)));
            }
        }
    }

    private static void CheckMetadataObjects(List<SiteSource> sources, string site, Location siteLocation, Action<Diagnostic> report)
    {
        foreach (var owner in sources.Where(s => s.Role == CaptureRole.Metadata).GroupBy(s => s.Owner))
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var isEvent = owner.Key == "event";
            foreach (var source in owner)
            {
                if (isEvent && s_requestKeys.Contains(source.Name))
                {
                    report(Diagnostic.Create(DiagnosticDescriptors.DuplicateMetadataKey, source.Location, source.Name, OwnerName(owner.Key), site, " (AuditGen sets it on every HTTP event)"));
                }
                else if (!seen.Add(source.Name))
                {
                    report(Diagnostic.Create(DiagnosticDescriptors.DuplicateMetadataKey, source.Location, source.Name, OwnerName(owner.Key), site, ""));
                }
            }

            var count = seen.Count + (isEvent ? s_requestKeys.Length : 0);
            if (WorkOsRules.HasTooManyKeys(count))
            {
                var suffix = isEvent ? " with AuditGen's outcome, status_code and exception" : "";
                report(Diagnostic.Create(DiagnosticDescriptors.TooManyMetadataKeys, siteLocation, OwnerName(owner.Key), site, count, suffix));
            }
        }
    }

    private bool HasLengthBound(ISymbol declaration)
    {
        var attributes = declaration.GetAttributes().AsEnumerable();
        if (declaration is IPropertySymbol { ContainingType.IsRecord: true } property)
        {
            // A positional record parameter's attributes without a 'property:' target stay on the parameter.
            attributes = attributes.Concat(property.ContainingType.InstanceConstructors
                .SelectMany(c => c.Parameters).Where(p => p.Name == property.Name).SelectMany(p => p.GetAttributes()));
        }

        return attributes.Any(a =>
            (SymbolEqualityComparer.Default.Equals(a.AttributeClass, symbols.MaxLength) || SymbolEqualityComparer.Default.Equals(a.AttributeClass, symbols.StringLength))
            && a.ConstructorArguments.FirstOrDefault().Value is int length
            && length <= WorkOsRules.MaxStringValueLength);
    }

    private static bool CanGiveId(ITypeSymbol type, IAssemblySymbol within)
    {
        static bool IsId(ITypeSymbol candidate) => Types.Value(candidate).Kind is ValueKind.Text or ValueKind.WholeNumber or ValueKind.UnsignedWholeNumber or ValueKind.Guid;

        return IsId(type) || (Types.IdProperty(type, within) is { } id && IsId(id.Type));
    }

    /// <summary>A source declared on the result (<c>[return: ...]</c>) needs a result type that carries a value.</summary>
    private static void CheckResult(IMethodSymbol handler, Action<Diagnostic> report)
    {
        var declared = handler.GetReturnTypeAttributes().FirstOrDefault(a => AttributeRoles.TryGetRole(a, out _, out _, out _));
        if (declared?.ApplicationSyntaxReference?.GetSyntax().GetLocation() is { } location && !Types.ResultValueTypes(handler.ReturnType).Any())
        {
            report(Diagnostic.Create(DiagnosticDescriptors.ResultCarriesNoValue, location, handler.ReturnType.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)));
        }
    }

    private static string? NotAnEndpointReason(ISymbol site) => site switch
    {
        INamedTypeSymbol type when !AuditSiteParser.IsController(type) =>
            "it is not an MVC controller (derive from ControllerBase or mark it [ApiController]); put [Audited] on the handler instead",
        IMethodSymbol { IsAbstract: true } => "abstract methods never run as a handler",
        IMethodSymbol { IsGenericMethod: true } => "generic methods cannot be endpoint handlers",
        IMethodSymbol { MethodKind: not (MethodKind.Ordinary or MethodKind.LocalFunction or MethodKind.AnonymousFunction) } =>
            "only methods, local functions and lambdas can be handlers",
        IMethodSymbol { MethodKind: MethodKind.Ordinary } method when AuditSiteParser.IsController(method.ContainingType) && !AuditSiteParser.IsActionMethod(method) =>
            "MVC routes only public instance methods without [NonAction]",
        _ => null,
    };

    private static string Shape(List<SiteSource> sources)
    {
        var targets = sources.Where(s => s.Role == CaptureRole.Target).Select(s => s.Name).Distinct().OrderBy(t => t, StringComparer.Ordinal);
        var keys = sources.Where(s => s.Role == CaptureRole.Metadata)
            .Select(s => $"{s.Owner}.{s.Name}:{JsonType(s.Kind)}").Distinct().OrderBy(k => k, StringComparer.Ordinal);
        return $"(targets [{string.Join(", ", targets)}], metadata [{string.Join(", ", keys)}])";
    }

    private static string JsonType(ValueKind kind) => kind switch
    {
        ValueKind.WholeNumber or ValueKind.UnsignedWholeNumber or ValueKind.Number => "number",
        ValueKind.Boolean => "boolean",
        _ => "string",
    };

    private static string OwnerName(string owner) => owner == "event" ? "event" : owner.Replace("target:", "target ");

    private static string Describe(ISymbol declaration) => declaration is IMethodSymbol ? "the result" : declaration.Name;

    private static string Display(ISymbol symbol) => symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } ? "lambda" : symbol.Name;
}
