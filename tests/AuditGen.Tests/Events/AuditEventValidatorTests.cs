using AuditGen.Events;
using AuditGen.Events.Validation;
using AuditGen.TestData;
using AuditGen.Tests.TestSupport;

namespace AuditGen.Tests.Events;

public class AuditEventValidatorTests
{
    public static TheoryData<WorkOsRuleCase> MetadataKeyCases => WorkOsRuleCase.Load("metadata-key");

    public static TheoryData<WorkOsRuleCase> StringValueCases => WorkOsRuleCase.Load("string-value");

    public static TheoryData<WorkOsRuleCase> KeyCountCases => WorkOsRuleCase.Load("key-count");

    [Theory]
    [MemberData(nameof(MetadataKeyCases))]
    public void Metadata_key_verdict_matches_the_shared_table(WorkOsRuleCase ruleCase)
    {
        var violations = AuditEventValidator.Validate(TestEvents.MinimalSignIn(new AuditMetadata { [ruleCase.Value] = "x" }));

        Assert.Equal(ruleCase.Valid, violations.Count == 0);
        if (!ruleCase.Valid)
        {
            Assert.Equal("/metadata", Assert.Single(violations).Path);
        }
    }

    [Theory]
    [MemberData(nameof(StringValueCases))]
    public void String_value_verdict_matches_the_shared_table(WorkOsRuleCase ruleCase)
    {
        var violations = AuditEventValidator.Validate(TestEvents.MinimalSignIn(new AuditMetadata { ["note"] = ruleCase.Value }));

        Assert.Equal(ruleCase.Valid, violations.Count == 0);
        if (!ruleCase.Valid)
        {
            Assert.Equal("/metadata/note", Assert.Single(violations).Path);
        }
    }

    [Theory]
    [MemberData(nameof(KeyCountCases))]
    public void Key_count_verdict_matches_the_shared_table_on_every_metadata_object(WorkOsRuleCase ruleCase)
    {
        static AuditMetadata Keys(int count)
        {
            var metadata = new AuditMetadata();
            for (var i = 0; i < count; i++)
            {
                metadata[$"k{i}"] = i;
            }

            return metadata;
        }

        var onEvent = TestEvents.MinimalSignIn(Keys(ruleCase.Repeat));
        var onActorAndTarget = new AuditEvent
        {
            OrganizationId = "org_1",
            Action = "team.renamed",
            Actor = new AuditActor { Type = "user", Id = "u", Metadata = Keys(ruleCase.Repeat) },
            Targets = [new AuditTarget { Type = "team", Id = "t", Metadata = Keys(ruleCase.Repeat) }],
            Context = new AuditContext { Location = "127.0.0.1" },
        };

        Assert.Equal(ruleCase.Valid, AuditEventValidator.Validate(onEvent).Count == 0);
        var paths = AuditEventValidator.Validate(onActorAndTarget).Select(v => v.Path).ToArray();
        Assert.Equal(ruleCase.Valid ? [] : ["/actor/metadata", "/targets/0/metadata"], paths);
    }

    [Fact]
    public void WorkOS_documented_example_is_valid()
    {
        Assert.Empty(AuditEventValidator.Validate(TestEvents.MinimalSignIn()));
    }

    [Fact]
    public void Empty_required_members_are_reported_with_their_paths()
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = "",
            Action = " ",
            Actor = new AuditActor { Type = "", Id = "" },
            Targets = [new AuditTarget { Type = "team", Id = "" }],
            Context = new AuditContext { Location = "" },
        };

        var paths = AuditEventValidator.Validate(auditEvent).Select(v => v.Path);

        Assert.Equal(["/organization_id", "/action", "/actor/type", "/actor/id", "/targets/0/id", "/context/location"], paths);
    }

    [Fact]
    public void Null_members_set_through_null_forgiveness_are_reported_not_thrown()
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = null!,
            Action = null!,
            Actor = null!,
            Targets = null!,
            Context = null!,
        };

        var paths = AuditEventValidator.Validate(auditEvent).Select(v => v.Path);

        Assert.Equal(["/organization_id", "/action", "/actor", "/targets", "/context"], paths);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(-1, false)]
    [InlineData(1, true)]
    public void Version_must_be_positive_when_set(int version, bool valid)
    {
        var minimal = TestEvents.MinimalSignIn();
        var auditEvent = new AuditEvent
        {
            OrganizationId = minimal.OrganizationId,
            Action = minimal.Action,
            Version = version,
            Actor = minimal.Actor,
            Context = minimal.Context,
        };

        Assert.Equal(valid, AuditEventValidator.Validate(auditEvent).Count == 0);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Non_finite_numbers_are_invalid(double value)
    {
        var violation = Assert.Single(AuditEventValidator.Validate(TestEvents.MinimalSignIn(new AuditMetadata { ["ratio"] = value })));

        Assert.Equal("/metadata/ratio", violation.Path);
    }

    [Fact]
    public void Action_longer_than_the_limit_is_invalid_and_at_the_limit_is_valid()
    {
        static AuditEvent WithAction(string action) => new()
        {
            OrganizationId = "org_1",
            Action = action,
            Actor = new AuditActor { Type = "user", Id = "u" },
            Context = new AuditContext { Location = "127.0.0.1" },
        };

        Assert.Empty(AuditEventValidator.Validate(WithAction("a." + new string('b', 198))));
        Assert.Equal("/action", Assert.Single(AuditEventValidator.Validate(WithAction("a." + new string('b', 199)))).Path);
    }
}
