namespace AuditGen;

/// <summary>
/// Marks a parameter or property whose value is the actor's id, for the rare endpoints where the
/// actor is not the authenticated user (for example a sign-in attempt, where the user is not yet known).
/// Without it the actor comes from the authenticated <c>ClaimsPrincipal</c>.
/// </summary>
/// <example>
/// <code>
/// public sealed record SignIn([property: AuditActor] string Email, string Password);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property, AllowMultiple = false)]
public sealed class AuditActorAttribute : Attribute
{
    /// <summary>The actor's type (default <c>user</c>).</summary>
    public string Type { get; init; } = "user";
}
