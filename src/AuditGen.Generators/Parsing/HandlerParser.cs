using AuditGen.Generators.Model;
using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Parsing;

/// <summary>Finds every declared source of one handler: its parameters, their bound types' properties, and its result.</summary>
internal static class HandlerParser
{
    public static HandlerSpec Parse(IMethodSymbol method, SiteKind kind, List<DiagnosticInfo> diagnostics)
    {
        var captures = new List<CaptureSpec>();
        foreach (var parameter in method.Parameters)
        {
            AddParameter(parameter, kind, captures, diagnostics);
        }

        AddResult(method, captures, diagnostics);
        return new HandlerSpec(method.Name, captures.ToEquatableArray());
    }

    private static void AddParameter(IParameterSymbol parameter, SiteKind kind, List<CaptureSpec> captures, List<DiagnosticInfo> diagnostics)
    {
        if (Types.IsFrameworkProvided(parameter.Type))
        {
            return;
        }

        var within = parameter.ContainingAssembly;
        if (!Types.IsAccessible(parameter.Type, within))
        {
            if (parameter.GetAttributes().Any(a => AttributeRoles.TryGetRole(a, out _, out _, out _)) || Types.HasAnnotatedProperties(parameter.Type))
            {
                diagnostics.Add(Inaccessible(parameter.Name, parameter.Type, parameter.Locations.FirstOrDefault()));
            }

            return;
        }

        var (fallback, fallbackName) = BindingSource(parameter);
        var container = Types.PatternName(parameter.Type);
        foreach (var attribute in parameter.GetAttributes())
        {
            if (AttributeRoles.TryGetRole(attribute, out var role, out var name, out var owner))
            {
                AddValue(CaptureOrigin.Argument, parameter, within, container, parameter.Type, role, name, owner, fallback, fallbackName, captures);
            }
        }

        if (!Types.IsSimple(parameter.Type))
        {
            foreach (var (property, attribute) in Types.AnnotatedProperties(parameter.Type, within))
            {
                if (AttributeRoles.TryGetRole(attribute, out var role, out var name, out var owner) && IsReadable(property.Type))
                {
                    captures.Add(new CaptureSpec(CaptureOrigin.Argument, parameter.Ordinal, parameter.Name, container, property.Name, Types.Value(property.Type), role, name, owner, RequestSource.None, ""));
                }
            }
        }
    }

    private static void AddResult(IMethodSymbol method, List<CaptureSpec> captures, List<DiagnosticInfo> diagnostics)
    {
        var returnAttributes = method.GetReturnTypeAttributes();
        var within = method.ContainingAssembly;
        foreach (var valueType in Types.ResultValueTypes(method.ReturnType))
        {
            if (!Types.IsAccessible(valueType, within))
            {
                if (returnAttributes.Any(a => AttributeRoles.TryGetRole(a, out _, out _, out _)) || Types.HasAnnotatedProperties(valueType))
                {
                    diagnostics.Add(Inaccessible("the result", valueType, method.Locations.FirstOrDefault()));
                }

                continue;
            }

            var container = Types.PatternName(valueType);
            foreach (var attribute in returnAttributes)
            {
                if (AttributeRoles.TryGetRole(attribute, out var role, out var name, out var owner))
                {
                    AddValue(CaptureOrigin.Result, null, within, container, valueType, role, name, owner, RequestSource.None, "", captures);
                }
            }

            foreach (var (property, attribute) in Types.AnnotatedProperties(valueType, within))
            {
                if (AttributeRoles.TryGetRole(attribute, out var role, out var name, out var owner) && IsReadable(property.Type))
                {
                    captures.Add(new CaptureSpec(CaptureOrigin.Result, -1, "", container, property.Name, Types.Value(property.Type), role, name, owner, RequestSource.None, ""));
                }
            }
        }
    }

    private static DiagnosticInfo Inaccessible(string what, ITypeSymbol type, Location? location) =>
        new("AG1001", LocationInfo.From(location), new[] { what, type.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat) }.ToEquatableArray());

    /// <summary>
    /// Metadata is read only from simple values (never an object's <c>ToString()</c>, which could carry
    /// anything); ids come from simple values too. What is left out here the analyzer reports (AG0009, AG0012).
    /// </summary>
    private static bool IsReadable(ITypeSymbol type) => Types.IsSimple(type);

    /// <summary>
    /// A value annotated directly: a simple value is used as it is; an object gives its <c>Id</c>
    /// property as a target, actor or organization. Values that are neither the analyzer reports.
    /// </summary>
    private static void AddValue(CaptureOrigin origin, IParameterSymbol? parameter, IAssemblySymbol within, string container, ITypeSymbol type, CaptureRole role, string name, string owner, RequestSource fallback, string fallbackName, List<CaptureSpec> captures)
    {
        var index = parameter?.Ordinal ?? -1;
        var argumentName = parameter?.Name ?? "";
        if (Types.IsSimple(type))
        {
            captures.Add(new CaptureSpec(origin, index, argumentName, container, null, Types.Value(type), role, name, owner, role == CaptureRole.Metadata ? RequestSource.None : fallback, fallbackName));
        }
        else if (role != CaptureRole.Metadata && Types.IdProperty(type, within) is { } id)
        {
            captures.Add(new CaptureSpec(origin, index, argumentName, container, id.Name, Types.Value(id.Type), role, name, owner, RequestSource.None, ""));
        }
    }

    /// <summary>Where the request carries a parameter's value, as minimal APIs and MVC bind it.</summary>
    private static (RequestSource Source, string Name) BindingSource(IParameterSymbol parameter)
    {
        foreach (var attribute in parameter.GetAttributes())
        {
            var explicitName = attribute.NamedArguments.FirstOrDefault(a => a.Key == "Name").Value.Value as string;
            switch (attribute.AttributeClass?.ToDisplayString())
            {
                case "Microsoft.AspNetCore.Mvc.FromRouteAttribute":
                    return (RequestSource.Route, explicitName ?? parameter.Name);
                case "Microsoft.AspNetCore.Mvc.FromQueryAttribute":
                    return (RequestSource.Query, explicitName ?? parameter.Name);
                case "Microsoft.AspNetCore.Mvc.FromHeaderAttribute":
                    return (RequestSource.Header, explicitName ?? parameter.Name);
                case "Microsoft.AspNetCore.Mvc.FromBodyAttribute" or "Microsoft.AspNetCore.Mvc.FromFormAttribute"
                    or "Microsoft.AspNetCore.Mvc.FromServicesAttribute" or "Microsoft.AspNetCore.Http.AsParametersAttribute"
                    or "Microsoft.Extensions.DependencyInjection.FromKeyedServicesAttribute":
                    return (RequestSource.None, "");
            }
        }

        return Types.IsSimple(parameter.Type) ? (RequestSource.RouteOrQuery, parameter.Name) : (RequestSource.None, "");
    }
}
