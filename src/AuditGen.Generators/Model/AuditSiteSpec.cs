namespace AuditGen.Generators.Model;

/// <summary>
/// One <c>[Audited]</c> annotation site: pure values only (no symbols, syntax or locations), so the
/// incremental pipeline can compare it by value and cache everything downstream.
/// </summary>
/// <param name="Action">The action written in the attribute.</param>
/// <param name="SourceFilePath">The file as <c>[CallerFilePath]</c> reports it (after <c>PathMap</c>).</param>
/// <param name="SourceLineNumber">The line as <c>[CallerLineNumber]</c> reports it.</param>
/// <param name="Handler">A readable name of what the attribute is on.</param>
internal sealed record AuditSiteSpec(string Action, string SourceFilePath, int SourceLineNumber, string Handler);
