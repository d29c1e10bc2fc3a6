using AuditGen.Events;

namespace AuditGen.Benchmarks;

/// <summary>A realistic event: a team member added, with actor, two targets, context and metadata.</summary>
internal static class BenchmarkEvents
{
    public static AuditEvent MemberAdded(string organizationId = "org_01EHWNCE74X7JSDV0X3SZ3KJNY") => new()
    {
        OrganizationId = organizationId,
        Action = "team.member_added",
        Actor = new AuditActor { Type = "user", Id = "user_01GBTCQ2QTQWM7C1ERYHGSE9C4", Name = "Ada Lovelace" },
        Targets =
        [
            new AuditTarget { Type = "team", Id = "team_01GBNJD4MKHVKJGEWK42JNMBGS" },
            new AuditTarget { Type = "user", Id = "user_01GBTCQ2QTQWM7C1ERYHGSE9C5" },
        ],
        Context = new AuditContext { Location = "203.0.113.7", UserAgent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0" },
        Metadata = new AuditMetadata { ["role"] = "admin", ["seats"] = 25, ["sso"] = true, ["outcome"] = "success", ["status_code"] = 201 },
    };
}
