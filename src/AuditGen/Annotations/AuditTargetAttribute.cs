namespace AuditGen;

/// <summary>
/// Marks where a target of the event comes from: a handler parameter (route, query, header or body
/// value), a property of a bound type, or the handler's result. The value is the target's id.
/// </summary>
/// <example>
/// <code>
/// [Audited("invoice.voided")]
/// static IResult Void([AuditTarget("invoice")] Guid invoiceId) => ...;
///
/// public sealed record CreateInvoice([property: AuditTarget("customer")] string CustomerId, decimal Amount);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.ReturnValue, AllowMultiple = false)]
public sealed class AuditTargetAttribute(string type) : Attribute
{
    /// <summary>The target's type, e.g. <c>team</c>.</summary>
    public string Type { get; } = type;
}
