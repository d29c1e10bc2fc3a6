namespace AuditGen.Events.Validation;

/// <summary>One way an event breaks WorkOS's rules.</summary>
/// <param name="Path">Where, as a JSON pointer into the event like WorkOS's <c>instancePath</c>, e.g. <c>/metadata/note</c>.</param>
/// <param name="Message">What is wrong, in one sentence.</param>
internal sealed record AuditViolation(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
