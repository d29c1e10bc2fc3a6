namespace AuditGen.Generators.Model;

/// <summary>
/// One <c>[Audited]</c> annotation site: pure values only (no symbols, syntax or locations), so the
/// incremental pipeline compares it by value and caches everything downstream.
/// </summary>
/// <param name="Action">The action written in the attribute.</param>
/// <param name="SourceFilePath">The file as <c>[CallerFilePath]</c> reports it (after <c>PathMap</c>).</param>
/// <param name="SourceLineNumber">The line as <c>[CallerLineNumber]</c> reports it.</param>
/// <param name="Handler">A readable name of what the attribute is on.</param>
/// <param name="Kind">Which kind of endpoint the site is.</param>
/// <param name="Handlers">The handler methods the site covers: one, or every action of an audited controller.</param>
/// <param name="Constants">Constant metadata declared on the handler or its class.</param>
/// <param name="AttributeLocation">Where the attribute is written, for diagnostics about the site.</param>
/// <param name="Diagnostics">What the parser found wrong with the site's sources.</param>
internal sealed record AuditSiteSpec(
    string Action,
    string SourceFilePath,
    int SourceLineNumber,
    string Handler,
    SiteKind Kind,
    EquatableArray<HandlerSpec> Handlers,
    EquatableArray<ConstantMetadataSpec> Constants,
    LocationInfo? AttributeLocation,
    EquatableArray<DiagnosticInfo> Diagnostics);

internal enum SiteKind
{
    /// <summary>A minimal-API handler (lambda, method group, local function).</summary>
    MinimalApi,

    /// <summary>An MVC action method.</summary>
    MvcAction,

    /// <summary>An MVC controller: every action of it.</summary>
    MvcController,
}

/// <summary>One handler method and where its declared sources are.</summary>
/// <param name="MethodName">The method's name (what MVC reports as the action method).</param>
/// <param name="Captures">Every declared source of the handler.</param>
internal sealed record HandlerSpec(string MethodName, EquatableArray<CaptureSpec> Captures);

/// <summary>
/// One declared source: where the value is (an argument or the result, maybe one of its
/// properties), what it becomes (target, actor, organization or metadata), and, for a value the
/// request itself carries, where to read it when the handler never ran.
/// </summary>
/// <param name="Origin">Argument or result.</param>
/// <param name="ArgumentIndex">The parameter's position (arguments only).</param>
/// <param name="ArgumentName">The parameter's name (arguments only; MVC reads arguments by name).</param>
/// <param name="ContainerType">The fully qualified type to match the argument or result against.</param>
/// <param name="MemberName">The property to read, or <see langword="null"/> for the value itself.</param>
/// <param name="Value">How the value is converted.</param>
/// <param name="Role">What the value becomes.</param>
/// <param name="Name">The target type (targets) or the metadata key (metadata).</param>
/// <param name="MetadataOwner">For metadata: <c>event</c>, <c>actor</c> or <c>target:&lt;type&gt;</c>.</param>
/// <param name="Fallback">Where the request carries the value, for requests whose handler never ran.</param>
/// <param name="FallbackName">The route value, query or header name for <paramref name="Fallback"/>.</param>
internal sealed record CaptureSpec(
    CaptureOrigin Origin,
    int ArgumentIndex,
    string ArgumentName,
    string ContainerType,
    string? MemberName,
    ValueSpec Value,
    CaptureRole Role,
    string Name,
    string MetadataOwner,
    RequestSource Fallback,
    string FallbackName);

/// <summary>How a source value is converted.</summary>
/// <param name="Kind">The value's category.</param>
/// <param name="IsNullable">Whether the value can be absent (reference type or <c>Nullable&lt;T&gt;</c>).</param>
internal sealed record ValueSpec(ValueKind Kind, bool IsNullable);

/// <summary>A constant metadata value from <c>[AuditMetadata(key, value)]</c>.</summary>
/// <param name="Owner"><c>event</c>, <c>actor</c> or <c>target:&lt;type&gt;</c>.</param>
/// <param name="Key">The key.</param>
/// <param name="Literal">The value as a C# literal.</param>
/// <param name="Kind">The value's category.</param>
internal sealed record ConstantMetadataSpec(string Owner, string Key, string Literal, ValueKind Kind);

internal enum CaptureOrigin
{
    Argument,
    Result,
}

internal enum CaptureRole
{
    Target,
    Actor,
    Organization,
    Metadata,
}

internal enum RequestSource
{
    None,
    Route,
    Query,
    Header,
    RouteOrQuery,
}

/// <summary>Value categories, matching the run-time <c>AuditMetadataValueKind</c> where they are metadata.</summary>
internal enum ValueKind
{
    Text,
    WholeNumber,
    UnsignedWholeNumber,
    Number,
    Boolean,
    Enum,
    Guid,
    Other,
}
