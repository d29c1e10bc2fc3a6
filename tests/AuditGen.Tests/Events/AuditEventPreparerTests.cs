using System.Text.Json;
using AuditGen.Events;
using AuditGen.Pipeline;
using AuditGen.Tests.TestSupport;

namespace AuditGen.Tests.Events;

public class AuditEventPreparerTests
{
    [Fact]
    public void Truncate_policy_cuts_long_values_to_500_and_notes_it_on_the_entry()
    {
        var auditEvent = TestEvents.MinimalSignIn(new AuditMetadata { ["note"] = new string('x', 812), ["plan"] = "pro" });

        var entry = new AuditEventPreparer(OversizedStringValueHandling.Truncate).Prepare(auditEvent);

        Assert.Null(entry.Rejection);
        Assert.Equal(["/metadata/note: truncated from 812 to 500 characters"], entry.Adjustments);
        using var json = JsonDocument.Parse(entry.EventJson);
        Assert.Equal(new string('x', 500), json.RootElement.GetProperty("metadata").GetProperty("note").GetString());
        Assert.Equal("pro", json.RootElement.GetProperty("metadata").GetProperty("plan").GetString());
    }

    [Fact]
    public void Truncate_policy_applies_to_actor_and_target_metadata_too()
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = "org_1",
            Action = "team.renamed",
            Actor = new AuditActor { Type = "user", Id = "u", Metadata = new() { ["bio"] = new string('a', 501) } },
            Targets = [new AuditTarget { Type = "team", Id = "t", Metadata = new() { ["motto"] = new string('b', 600) } }],
            Context = new AuditContext { Location = "127.0.0.1" },
        };

        var entry = new AuditEventPreparer(OversizedStringValueHandling.Truncate).Prepare(auditEvent);

        Assert.Null(entry.Rejection);
        Assert.Equal(
            ["/actor/metadata/bio: truncated from 501 to 500 characters", "/targets/0/metadata/motto: truncated from 600 to 500 characters"],
            entry.Adjustments);
    }

    [Fact]
    public void Truncation_never_splits_a_surrogate_pair()
    {
        var value = new string('x', 499) + "😀😀";
        var auditEvent = TestEvents.MinimalSignIn(new AuditMetadata { ["note"] = value });

        var entry = new AuditEventPreparer(OversizedStringValueHandling.Truncate).Prepare(auditEvent);

        using var json = JsonDocument.Parse(entry.EventJson);
        Assert.Equal(new string('x', 499), json.RootElement.GetProperty("metadata").GetProperty("note").GetString());
        Assert.Equal(["/metadata/note: truncated from 503 to 499 characters"], entry.Adjustments);
    }

    [Fact]
    public void Value_of_exactly_500_characters_is_left_alone()
    {
        var entry = new AuditEventPreparer(OversizedStringValueHandling.Truncate)
            .Prepare(TestEvents.MinimalSignIn(new AuditMetadata { ["note"] = new string('x', 500) }));

        Assert.Empty(entry.Adjustments);
        Assert.Null(entry.Rejection);
    }

    [Fact]
    public void Reject_policy_keeps_the_value_whole_and_marks_the_entry_rejected()
    {
        var auditEvent = TestEvents.MinimalSignIn(new AuditMetadata { ["note"] = new string('x', 501) });

        var entry = new AuditEventPreparer(OversizedStringValueHandling.Reject).Prepare(auditEvent);

        Assert.Empty(entry.Adjustments);
        Assert.Equal("/metadata/note: The value has 501 characters; WorkOS allows at most 500.", entry.Rejection);
        using var json = JsonDocument.Parse(entry.EventJson);
        Assert.Equal(501, json.RootElement.GetProperty("metadata").GetProperty("note").GetString()!.Length);
    }

    [Fact]
    public void Event_that_still_breaks_the_rules_is_kept_with_every_reason_not_thrown()
    {
        var metadata = new AuditMetadata { ["bad key"] = 1, ["ratio"] = double.NaN };
        var auditEvent = new AuditEvent
        {
            OrganizationId = "org_1",
            Action = "user.signed_in",
            Actor = new AuditActor { Type = "user", Id = "" },
            Context = new AuditContext { Location = "127.0.0.1" },
            Metadata = metadata,
        };

        var entry = new AuditEventPreparer(OversizedStringValueHandling.Truncate).Prepare(auditEvent);

        Assert.Equal(
            "/metadata/ratio: The value NaN is not a finite number; JSON cannot carry it.; /actor/id: A non-empty value is required.; /metadata: The metadata key 'bad key' may only contain letters, digits, '_' and '-'.",
            entry.Rejection);
        using var json = JsonDocument.Parse(entry.EventJson);
        Assert.Equal("NaN", json.RootElement.GetProperty("metadata").GetProperty("ratio").GetString());
    }
}
