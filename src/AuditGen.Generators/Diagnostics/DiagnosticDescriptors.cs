using Microsoft.CodeAnalysis;

namespace AuditGen.Generators.Diagnostics;

/// <summary>
/// Every diagnostic AuditGen reports, in one table: stable ids, categories and a help page each
/// under docs/diagnostics/. AG0xxx are the analyzer's rules; AG1xxx are what only the generator knows.
/// Errors are what WorkOS would reject; warnings are what it would truncate, what would leak, or
/// what would never run. Every severity can be changed in .editorconfig.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string HelpLinkBase = "https://github.com/auditgen/AuditGen/blob/main/docs/diagnostics/";

    private const string Naming = "AuditGen.Naming";
    private const string Limits = "AuditGen.Limits";
    private const string Schema = "AuditGen.Schema";
    private const string Usage = "AuditGen.Usage";
    private const string Security = "AuditGen.Security";
    private const string Generator = "AuditGen.Generator";

    public static readonly DiagnosticDescriptor UnconventionalActionName = Create(
        "AG0001", Naming, DiagnosticSeverity.Warning,
        "Action name is not resource.past_tense_verb",
        "Action '{0}' should be lowercase 'resource.past_tense_verb': dot-separated segments of [a-z][a-z0-9_]*, at least two (e.g. 'user.signed_in')");

    public static readonly DiagnosticDescriptor InvalidActionName = Create(
        "AG0002", Naming, DiagnosticSeverity.Error,
        "Action name is empty or too long",
        "Action '{0}' is {1}; WorkOS requires an action and AuditGen allows at most 200 characters");

    public static readonly DiagnosticDescriptor InvalidMetadataKey = Create(
        "AG0003", Limits, DiagnosticSeverity.Error,
        "Metadata key is not 1-40 characters of letters, digits, '_' and '-'",
        "Metadata key '{0}' {1}; WorkOS accepts 1 to 40 characters of [a-zA-Z0-9_-]");

    public static readonly DiagnosticDescriptor TooManyMetadataKeys = Create(
        "AG0004", Limits, DiagnosticSeverity.Error,
        "More than 50 metadata keys in one object",
        "The {0} metadata of '{1}' would hold {2} keys{3}; WorkOS allows at most 50 per object");

    public static readonly DiagnosticDescriptor ConstantValueTooLong = Create(
        "AG0005", Limits, DiagnosticSeverity.Error,
        "Constant metadata value over 500 characters",
        "This metadata value has {0} characters; WorkOS allows at most 500");

    public static readonly DiagnosticDescriptor UnboundedStringSource = Create(
        "AG0006", Limits, DiagnosticSeverity.Warning,
        "String metadata source has no length bound",
        "'{0}' is a string metadata source with no [MaxLength] or [StringLength] of 500 or less; longer values will be truncated to 500 characters at run time");

    public static readonly DiagnosticDescriptor DuplicateMetadataKey = Create(
        "AG0007", Schema, DiagnosticSeverity.Error,
        "The same metadata key twice in one object",
        "Metadata key '{0}' is declared more than once in the {1} metadata of '{2}'{3}");

    public static readonly DiagnosticDescriptor ConflictingActionShapes = Create(
        "AG0008", Schema, DiagnosticSeverity.Warning,
        "One action declared with different shapes",
        "Action '{0}' is declared elsewhere with a different shape ({1}); WorkOS keeps one schema per action, so events of one of the sites will not match it",
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor SourceCannotGiveId = Create(
        "AG0009", Usage, DiagnosticSeverity.Error,
        "Target, actor or organization source cannot give an id",
        "'{0}' of type '{1}' cannot give an id; use a string, a GUID, a whole number, or a type with a readable 'Id' property of one of those");

    public static readonly DiagnosticDescriptor NotAnEndpoint = Create(
        "AG0010", Usage, DiagnosticSeverity.Warning,
        "[Audited] where no endpoint can run",
        "[Audited] on '{0}' is never audited: {1}");

    public static readonly DiagnosticDescriptor SensitiveMetadata = Create(
        "AG0011", Security, DiagnosticSeverity.Warning,
        "Sensitive-looking value recorded as metadata",
        "'{0}' looks like {1}; audit logs are kept for years and exported, so do not record it, or record a redacted form (e.g. the last four characters) under another name");

    public static readonly DiagnosticDescriptor MetadataSourceNotSimple = Create(
        "AG0012", Usage, DiagnosticSeverity.Error,
        "Metadata value is not a string, number or boolean",
        "'{0}' of type '{1}' cannot be a metadata value; WorkOS takes strings, numbers and booleans (AuditGen also writes enums, GUIDs and dates as text), so name one of its properties instead");

    public static readonly DiagnosticDescriptor ResultCarriesNoValue = Create(
        "AG0013", Usage, DiagnosticSeverity.Warning,
        "Audit source on a result that carries no readable value",
        "The result type '{0}' carries no value AuditGen can read; return the value, Ok<T>, Created<T>, Results<...> or ActionResult<T>");

    public static readonly DiagnosticDescriptor ActionWithoutTarget = Create(
        "AG0014", Schema, DiagnosticSeverity.Info,
        "Action declares no target",
        "Action '{0}' declares no target; WorkOS schemas need at least one target type, so it is left out of the schema catalog");

    public static readonly DiagnosticDescriptor InaccessibleSource = Create(
        "AG1001", Generator, DiagnosticSeverity.Error,
        "Audit source cannot be read by generated code",
        "'{0}' of type '{1}' is declared as an audit source, but generated code cannot name that type; make it internal or public");

    public static readonly DiagnosticDescriptor SharedSiteIdentity = Create(
        "AG1002", Generator, DiagnosticSeverity.Error,
        "Two [Audited] attributes on one line",
        "[Audited(\"{0}\")] shares line {1} with another [Audited]; the run time tells sites apart by file and line, so put each on its own line");

    public static DiagnosticDescriptor? Find(string id) => id switch
    {
        "AG1001" => InaccessibleSource,
        "AG1002" => SharedSiteIdentity,
        _ => null,
    };

    private static DiagnosticDescriptor Create(string id, string category, DiagnosticSeverity severity, string title, string message, params string[] tags) =>
        new(id, title, message, category, severity, isEnabledByDefault: true, description: null, helpLinkUri: HelpLinkBase + id + ".md", customTags: tags);
}
