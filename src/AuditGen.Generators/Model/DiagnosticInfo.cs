using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace AuditGen.Generators.Model;

/// <summary>Where a diagnostic goes, as values: a <see cref="Location"/> would pin a syntax tree in the model.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public static LocationInfo? From(Location? location) =>
        location is { IsInSource: true } ? new LocationInfo(location.SourceTree!.FilePath, location.SourceSpan, location.GetLineSpan().Span) : null;

    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);
}

/// <summary>A diagnostic to report, as values.</summary>
internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Diagnostics.DiagnosticDescriptors.Find(Id)!, Location?.ToLocation(), Arguments.Cast<object>().ToArray());
}
