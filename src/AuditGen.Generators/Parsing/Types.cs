using AuditGen.Generators.Model;
using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Parsing;

/// <summary>Questions the parser asks about types.</summary>
internal static class Types
{
    private static readonly SymbolDisplayFormat s_fullyQualified =
        SymbolDisplayFormat.FullyQualifiedFormat.WithMiscellaneousOptions(
            SymbolDisplayFormat.FullyQualifiedFormat.MiscellaneousOptions | SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    /// <summary>The type's name for a type pattern (<c>is T x</c>): fully qualified, no nullable annotation, <c>Nullable&lt;T&gt;</c> unwrapped.</summary>
    public static string PatternName(ITypeSymbol type) =>
        Underlying(type).WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToDisplayString(s_fullyQualified);

    public static ValueSpec Value(ITypeSymbol type)
    {
        var underlying = Underlying(type);
        var nullable = !SymbolEqualityComparer.Default.Equals(underlying, type) || type.IsReferenceType;
        return new ValueSpec(Kind(underlying), nullable);
    }

    /// <summary>Strings, numbers, booleans, enums, GUIDs and dates: values bound from a route, query or header.</summary>
    public static bool IsSimple(ITypeSymbol type)
    {
        var underlying = Underlying(type);
        return Kind(underlying) != ValueKind.Other
            || underlying.SpecialType == SpecialType.System_DateTime
            || underlying.ToDisplayString() is "System.DateTimeOffset" or "System.DateOnly" or "System.TimeOnly" or "System.TimeSpan" or "System.Uri";
    }

    /// <summary>Parameters the framework supplies, which never carry audit values.</summary>
    public static bool IsFrameworkProvided(ITypeSymbol type) =>
        type.ToDisplayString() is "Microsoft.AspNetCore.Http.HttpContext" or "Microsoft.AspNetCore.Http.HttpRequest"
            or "Microsoft.AspNetCore.Http.HttpResponse" or "System.Threading.CancellationToken" or "System.Security.Claims.ClaimsPrincipal"
            or "System.IO.Stream" or "System.IO.Pipelines.PipeReader" or "AuditGen.Events.AuditEventDraft";

    /// <summary>Whether generated code in <paramref name="within"/> can name the type (internals of friend assemblies included).</summary>
    public static bool IsAccessible(ITypeSymbol type, IAssemblySymbol within)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return IsAccessible(array.ElementType, within);
            case ITypeParameterSymbol:
                return false;
            case IErrorTypeSymbol:
                // The compiler already reports an unresolved type; an audit diagnostic would only add noise.
                return true;
            case INamedTypeSymbol named:
                if (named.IsAnonymousType)
                {
                    return false;
                }

                for (ISymbol? current = named; current is INamedTypeSymbol; current = current.ContainingSymbol)
                {
                    if (!IsReachable(current, within))
                    {
                        return false;
                    }
                }

                return named.TypeArguments.All(t => IsAccessible(t, within));
            default:
                return false;
        }
    }

    /// <summary>Whether the type declares audit sources on its properties, accessible or not.</summary>
    public static bool HasAnnotatedProperties(ITypeSymbol type) => AnnotatedPropertiesOf(type, within: null).Any();

    /// <summary>Instance properties carrying AuditGen attributes that code in <paramref name="within"/> can read, including positional record parameters.</summary>
    public static IEnumerable<(IPropertySymbol Property, AttributeData Attribute)> AnnotatedProperties(ITypeSymbol type, IAssemblySymbol within) =>
        IsAccessible(Underlying(type), within) ? AnnotatedPropertiesOf(type, within) : [];

    private static bool IsReachable(ISymbol symbol, IAssemblySymbol within) => symbol.DeclaredAccessibility switch
    {
        Accessibility.Public => true,
        Accessibility.Internal or Accessibility.ProtectedOrInternal =>
            SymbolEqualityComparer.Default.Equals(symbol.ContainingAssembly, within) || symbol.ContainingAssembly.GivesAccessTo(within),
        _ => false,
    };

    private static IEnumerable<(IPropertySymbol Property, AttributeData Attribute)> AnnotatedPropertiesOf(ITypeSymbol type, IAssemblySymbol? within)
    {
        if (Underlying(type) is not INamedTypeSymbol named || named.SpecialType != SpecialType.None)
        {
            yield break;
        }

        var seen = new HashSet<string>();
        for (var current = named; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            var primaryParameters = current.IsRecord
                ? current.InstanceConstructors.SelectMany(c => c.Parameters).ToLookup(p => p.Name)
                : Enumerable.Empty<IParameterSymbol>().ToLookup(p => p.Name);
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (property.IsStatic || property.IsIndexer || property.GetMethod is null
                    || (within is not null && !IsReachable(property.GetMethod, within))
                    || !seen.Add(property.Name))
                {
                    continue;
                }

                var attributes = property.GetAttributes().Concat(primaryParameters[property.Name].SelectMany(p => p.GetAttributes()));
                foreach (var attribute in attributes)
                {
                    if (AttributeRoles.TryGetRole(attribute, out _, out _, out _))
                    {
                        yield return (property, attribute);
                    }
                }
            }
        }
    }

    /// <summary>The readable <c>Id</c> property of an object used directly as a target, actor or organization.</summary>
    public static IPropertySymbol? IdProperty(ITypeSymbol type, IAssemblySymbol within)
    {
        for (var current = Underlying(type) as INamedTypeSymbol; current is not null; current = current.BaseType)
        {
            if (current.GetMembers("Id").OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic && p.GetMethod is not null && IsReachable(p.GetMethod, within)) is { } id && IsSimple(id.Type))
            {
                return id;
            }
        }

        return null;
    }

    /// <summary>
    /// The types of value a handler's result can carry: <c>Task&lt;T&gt;</c> and <c>ValueTask&lt;T&gt;</c> are
    /// awaited, <c>Results&lt;T1, T2&gt;</c> is each of its cases, <c>Ok&lt;T&gt;</c> and other
    /// <c>IValueHttpResult&lt;T&gt;</c> give <c>T</c>, MVC's <c>ActionResult&lt;T&gt;</c> gives <c>T</c>.
    /// Results without a value (<c>NotFound</c>, <c>IResult</c>) carry nothing.
    /// </summary>
    public static IEnumerable<ITypeSymbol> ResultValueTypes(ITypeSymbol returnType)
    {
        var type = returnType;
        if (type is INamedTypeSymbol { IsGenericType: true } awaited
            && awaited.ConstructedFrom.ToDisplayString() is "System.Threading.Tasks.Task<TResult>" or "System.Threading.Tasks.ValueTask<TResult>")
        {
            type = awaited.TypeArguments[0];
        }

        if (type is not INamedTypeSymbol named || type.SpecialType is SpecialType.System_Void or SpecialType.System_Object
            || named.ToDisplayString() is "System.Threading.Tasks.Task" or "System.Threading.Tasks.ValueTask")
        {
            return [];
        }

        if (named.IsGenericType && named.ContainingNamespace.ToDisplayString() == "Microsoft.AspNetCore.Http.HttpResults" && named.Name == "Results")
        {
            return named.TypeArguments.SelectMany(ResultValueTypes).Distinct<ITypeSymbol>(SymbolEqualityComparer.Default);
        }

        if (named.IsGenericType && named.ConstructedFrom.ToDisplayString() == "Microsoft.AspNetCore.Mvc.ActionResult<TValue>")
        {
            return [named.TypeArguments[0]];
        }

        var valueResult = named.AllInterfaces.FirstOrDefault(i => i.IsGenericType && i.ConstructedFrom.ToDisplayString() == "Microsoft.AspNetCore.Http.IValueHttpResult<TValue>");
        if (valueResult is not null)
        {
            return [valueResult.TypeArguments[0]];
        }

        var isResult = named.AllInterfaces.Append(named).Any(i => i.ToDisplayString() is "Microsoft.AspNetCore.Http.IResult" or "Microsoft.AspNetCore.Mvc.IActionResult");
        return isResult ? [] : [named];
    }

    private static ITypeSymbol Underlying(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable ? nullable.TypeArguments[0] : type;

    private static ValueKind Kind(ITypeSymbol type)
    {
        switch (type.SpecialType)
        {
            case SpecialType.System_String:
                return ValueKind.Text;
            case SpecialType.System_Boolean:
                return ValueKind.Boolean;
            case SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64:
                return ValueKind.WholeNumber;
            case SpecialType.System_UInt64:
                return ValueKind.UnsignedWholeNumber;
            case SpecialType.System_Single or SpecialType.System_Double or SpecialType.System_Decimal:
                return ValueKind.Number;
        }

        if (type.TypeKind == TypeKind.Enum)
        {
            return ValueKind.Enum;
        }

        return type.ToDisplayString() == "System.Guid" ? ValueKind.Guid : ValueKind.Other;
    }
}
