namespace AuditGen.Tests.TestSupport;

/// <summary>A clock that reads a fixed time (Microsoft.Extensions.TimeProvider.Testing is not served here).</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
