using System.Runtime.CompilerServices;

namespace AuditGen;

/// <summary>
/// Audits an endpoint: every request to it produces one WorkOS event with this action.
/// Put it on a minimal-API handler (lambda or method) or on an MVC action or controller.
/// </summary>
/// <example>
/// <code>
/// app.MapPost("/teams/{teamId}/members", [Audited("team.member_added")] (
///     [AuditTarget("team")] string teamId,
///     [FromBody] AddMember body) => ...);
/// </code>
/// </example>
/// <remarks>
/// The compiler fills <see cref="SourceFilePath"/> and <see cref="SourceLineNumber"/> where the
/// attribute is written; the source generator computes the same pair, so the run-time attribute
/// and the generated code agree on which annotation site an endpoint came from.
/// </remarks>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class AuditedAttribute : Attribute
{
    /// <summary>Audits with <paramref name="action"/>, a <c>resource.past_tense_verb</c> name such as <c>user.signed_in</c>.</summary>
    /// <param name="action">The WorkOS action.</param>
    /// <param name="sourceFilePath">Filled by the compiler; do not pass.</param>
    /// <param name="sourceLineNumber">Filled by the compiler; do not pass.</param>
    public AuditedAttribute(string action, [CallerFilePath] string sourceFilePath = "", [CallerLineNumber] int sourceLineNumber = 0)
    {
        Action = action;
        SourceFilePath = sourceFilePath;
        SourceLineNumber = sourceLineNumber;
    }

    /// <summary>The WorkOS action, e.g. <c>user.signed_in</c>.</summary>
    public string Action { get; }

    /// <summary>The file the attribute is written in, as the compiler reports it (after <c>PathMap</c>).</summary>
    public string SourceFilePath { get; }

    /// <summary>The line the attribute is written on.</summary>
    public int SourceLineNumber { get; }

    /// <summary>
    /// When the event must be stored: <see cref="AuditDeliveryMode.BeforeResponse"/> holds the response
    /// until the event is committed and answers 503 if it cannot be (for compliance-critical actions);
    /// <see cref="AuditDeliveryMode.Default"/> (the default) follows <c>AuditGen:DeliveryMode</c>.
    /// </summary>
    public AuditDeliveryMode Delivery { get; init; }
}
