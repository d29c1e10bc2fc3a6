using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Diagnostics;

/// <summary>
/// Every diagnostic AuditGen reports, in one table: stable ids, categories and a help page each
/// under docs/diagnostics/. AG0xxx are the analyzer's rules; AG1xxx are what only the generator knows.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string HelpLinkBase = "https://github.com/auditgen/AuditGen/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor InaccessibleSource = Create(
        "AG1001",
        "Audit source cannot be read by generated code",
        "'{0}' of type '{1}' is declared as an audit source, but generated code cannot name that type; make it internal or public",
        "AuditGen.Generator",
        DiagnosticSeverity.Error);

    public static readonly DiagnosticDescriptor SharedSiteIdentity = Create(
        "AG1002",
        "Two [Audited] attributes on one line",
        "[Audited(\"{0}\")] shares line {1} with another [Audited]; the run time tells sites apart by file and line, so put each on its own line",
        "AuditGen.Generator",
        DiagnosticSeverity.Error);

    public static DiagnosticDescriptor? Find(string id) => id switch
    {
        "AG1001" => InaccessibleSource,
        "AG1002" => SharedSiteIdentity,
        _ => null,
    };

    private static DiagnosticDescriptor Create(string id, string title, string message, string category, DiagnosticSeverity severity) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
