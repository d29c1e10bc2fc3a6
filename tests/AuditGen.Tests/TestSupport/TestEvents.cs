using AuditGen.Events;

namespace AuditGen.Tests.TestSupport;

internal static class TestEvents
{
    public static readonly DateTimeOffset SignedInAt = new(2022, 9, 2, 16, 35, 39, 317, TimeSpan.Zero);

    /// <summary>WorkOS's documented <c>user.signed_in</c> example: required members only.</summary>
    public static AuditEvent MinimalSignIn(AuditMetadata? metadata = null) => new()
    {
        OrganizationId = "org_01EHWNCE74X7JSDV0X3SZ3KJNY",
        Action = "user.signed_in",
        OccurredAt = SignedInAt,
        Actor = new AuditActor { Type = "user", Id = "user_01GBTCQ2QTQWM7C1ERYHGSE9C4" },
        Targets = [new AuditTarget { Type = "user", Id = "user_01GBTCQ2QTQWM7C1ERYHGSE9C4" }],
        Context = new AuditContext { Location = "123.123.123.123", UserAgent = "Chrome/104.0.0.0" },
        Metadata = metadata,
    };
}
