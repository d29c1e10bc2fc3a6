namespace AuditGen.Events;

/// <summary>Where the action came from.</summary>
public sealed class AuditContext
{
    /// <summary>The client's IP address or another location identifier. Required.</summary>
    public required string Location { get; init; }

    /// <summary>The client's user agent, omitted when <see langword="null"/>.</summary>
    public string? UserAgent { get; init; }
}
