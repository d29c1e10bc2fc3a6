namespace AuditGen.Catalog;

/// <summary>One audited annotation site, as the source generator found it at build time.</summary>
/// <param name="Action">The WorkOS action.</param>
/// <param name="SourceFilePath">The file of the <see cref="AuditedAttribute"/>, as <see cref="AuditedAttribute.SourceFilePath"/> reports it.</param>
/// <param name="SourceLineNumber">The line of the <see cref="AuditedAttribute"/>.</param>
/// <param name="Handler">What the attribute is on, e.g. <c>Program.lambda</c> or <c>TeamsController.AddMember</c>.</param>
public sealed record AuditActionDescriptor(string Action, string SourceFilePath, int SourceLineNumber, string Handler);
