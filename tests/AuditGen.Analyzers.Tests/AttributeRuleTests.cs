using AuditGen.Analyzers.Tests.TestSupport;
using AuditGen.TestData;

namespace AuditGen.Analyzers.Tests;

/// <summary>Rules on the constants written in attributes, each on its bad case and its nearest good case.</summary>
public class AttributeRuleTests
{
    public static TheoryData<WorkOsRuleCase> MetadataKeyCases => WorkOsRuleCase.Load("metadata-key");

    public static TheoryData<WorkOsRuleCase> StringValueCases => WorkOsRuleCase.Load("string-value");

    [Theory]
    [InlineData("user.signed_in", null)]
    [InlineData("team.member_added", null)]
    [InlineData("api_key.v2_rotated", null)]
    [InlineData("a.b.c", null)]
    [InlineData("User.SignedIn", "AG0001")]
    [InlineData("user", "AG0001")]
    [InlineData("user.", "AG0001")]
    [InlineData(".signed_in", "AG0001")]
    [InlineData("user..signed_in", "AG0001")]
    [InlineData("user.signed-in", "AG0001")]
    [InlineData("user.1signed", "AG0001")]
    [InlineData("", "AG0002")]
    public async Task Action_name(string action, string? expected)
    {
        var argument = expected is null ? $"\"{action}\"" : $"{{|{expected}:\"{action}\"|}}";

        await AnalyzerHarness.VerifyAsync($$"""
            public static class Endpoints
            {
                [Audited({{argument}})]
                public static void Handle() { }
            }
            """);
    }

    [Fact]
    public async Task Action_name_at_200_characters_is_fine_and_at_201_is_an_error()
    {
        var fine = "a." + new string('b', 198);
        var tooLong = "a." + new string('b', 199);

        await AnalyzerHarness.VerifyAsync($$"""
            public static class Endpoints
            {
                [Audited("{{fine}}")]
                public static void Fine() { }

                [Audited({|AG0002:"{{tooLong}}"|})]
                public static void TooLong() { }
            }
            """);
    }

    [Theory]
    [MemberData(nameof(MetadataKeyCases))]
    public async Task Metadata_key_verdict_matches_the_shared_table(WorkOsRuleCase ruleCase)
    {
        var key = $"\"{ruleCase.Value}\"";
        var argument = ruleCase.Valid ? key : $"{{|AG0003:{key}|}}";

        await AnalyzerHarness.VerifyAsync($$"""
            public static class Endpoints
            {
                [Audited("user.signed_in")]
                [AuditMetadata({{argument}}, "web")]
                public static void Handle() { }
            }
            """);
    }

    [Theory]
    [MemberData(nameof(StringValueCases))]
    public async Task Constant_value_verdict_matches_the_shared_table(WorkOsRuleCase ruleCase)
    {
        var value = $"\"{ruleCase.Value}\"";
        var argument = ruleCase.Valid ? value : $"{{|AG0005:{value}|}}";

        await AnalyzerHarness.VerifyAsync($$"""
            public static class Endpoints
            {
                [Audited("user.signed_in")]
                [AuditMetadata("note", {{argument}})]
                public static void Handle() { }
            }
            """);
    }

    [Fact]
    public async Task Invalid_key_on_a_property_of_a_bound_type_is_reported_where_it_is_written()
    {
        await AnalyzerHarness.VerifyAsync("""
            public sealed record Body([property: AuditMetadata({|AG0003:"plan tier"|})][property: MaxLength(20)] string Plan);

            public static class Endpoints
            {
                [Audited("plan.changed")]
                public static void Handle(Body body) { }
            }
            """);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("api_key")]
    [InlineData("cardNumber")]
    [InlineData("ssn")]
    [InlineData("refresh-token")]
    public async Task Sensitive_looking_metadata_key_is_a_warning(string key)
    {
        await AnalyzerHarness.VerifyAsync($$"""
            public static class Endpoints
            {
                [Audited("user.signed_in")]
                public static void Handle([{|AG0011:AuditMetadata("{{key}}")|}][MaxLength(50)] string value) { }
            }
            """);
    }

    [Fact]
    public async Task Sensitive_member_under_a_harmless_key_is_a_warning_and_harmless_names_are_not()
    {
        await AnalyzerHarness.VerifyAsync("""
            public static class Endpoints
            {
                [Audited("user.signed_in")]
                public static void Handle(
                    [{|AG0011:AuditMetadata("pw")|}][MaxLength(50)] string password,
                    [AuditMetadata("role")][MaxLength(50)] string role,
                    [AuditMetadata("retries")] int attempts) { }
            }
            """);
    }
}
