using System.Text;
using System.Text.Json;
using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Tests.TestSupport;

namespace AuditGen.Tests.Events;

public class WorkOsJsonTests
{
    [Fact]
    public void Minimal_event_matches_WorkOS_documented_request_byte_for_byte()
    {
        var json = Encoding.UTF8.GetString(WorkOsJson.SerializeCreateEventRequest(TestEvents.MinimalSignIn()));

        Assert.Equal(
            """{"organization_id":"org_01EHWNCE74X7JSDV0X3SZ3KJNY","event":{"action":"user.signed_in","occurred_at":"2022-09-02T16:35:39.317Z","actor":{"type":"user","id":"user_01GBTCQ2QTQWM7C1ERYHGSE9C4"},"targets":[{"type":"user","id":"user_01GBTCQ2QTQWM7C1ERYHGSE9C4"}],"context":{"location":"123.123.123.123","user_agent":"Chrome/104.0.0.0"}}}""",
            json);
    }

    [Fact]
    public void Full_event_writes_every_member_in_the_node_SDK_order_with_all_metadata_value_types()
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = "org_1",
            Action = "team.member_added",
            Version = 2,
            OccurredAt = new DateTimeOffset(2026, 11, 22, 9, 15, 30, 123, TimeSpan.FromHours(2)),
            Actor = new AuditActor { Type = "user", Id = "user_1", Name = "Ada Lovelace", Metadata = new() { ["role"] = "admin" } },
            Targets =
            [
                new AuditTarget { Type = "team", Id = "team_1", Name = "Core", Metadata = new() { ["size"] = 12 } },
                new AuditTarget { Type = "user", Id = "user_2" },
            ],
            Context = new AuditContext { Location = "2001:db8::1", UserAgent = "curl/8.5.0" },
            Metadata = new() { ["plan"] = "pro", ["seats"] = 25, ["ratio"] = 0.75, ["trial"] = false, ["sso"] = true, ["balance"] = -12.5m },
        };

        var json = Encoding.UTF8.GetString(WorkOsJson.SerializeCreateEventRequest(auditEvent));

        Assert.Equal(
            """{"organization_id":"org_1","event":{"action":"team.member_added","version":2,"occurred_at":"2026-11-22T07:15:30.123Z","actor":{"type":"user","id":"user_1","name":"Ada Lovelace","metadata":{"role":"admin"}},"targets":[{"type":"team","id":"team_1","name":"Core","metadata":{"size":12}},{"type":"user","id":"user_2"}],"context":{"location":"2001:db8::1","user_agent":"curl/8.5.0"},"metadata":{"plan":"pro","seats":25,"ratio":0.75,"trial":false,"sso":true,"balance":-12.5}}}""",
            json);
    }

    [Fact]
    public void Unset_optionals_are_omitted_never_written_as_null_or_zero()
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = "org_1",
            Action = "user.signed_out",
            OccurredAt = TestEvents.SignedInAt,
            Actor = new AuditActor { Type = "user", Id = "user_1" },
            Context = new AuditContext { Location = "10.0.0.1" },
        };

        var json = Encoding.UTF8.GetString(WorkOsJson.SerializeEvent(auditEvent));

        Assert.Equal(
            """{"action":"user.signed_out","occurred_at":"2022-09-02T16:35:39.317Z","actor":{"type":"user","id":"user_1"},"targets":[],"context":{"location":"10.0.0.1"}}""",
            json);
    }

    [Fact]
    public void Occurred_at_is_UTC_with_milliseconds_and_Z_whatever_the_offset_and_precision()
    {
        var local = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-5)).AddTicks(1_234_567);
        var auditEvent = TestEvents.MinimalSignIn();
        auditEvent = new AuditEvent
        {
            OrganizationId = auditEvent.OrganizationId,
            Action = auditEvent.Action,
            OccurredAt = local,
            Actor = auditEvent.Actor,
            Context = auditEvent.Context,
        };

        using var document = JsonDocument.Parse(WorkOsJson.SerializeEvent(auditEvent));

        Assert.Equal("2026-01-02T08:04:05.123Z", document.RootElement.GetProperty("occurred_at").GetString());
    }

    [Fact]
    public void Strings_are_escaped_like_JSON_stringify_so_the_bytes_match_the_node_SDK()
    {
        var metadata = new AuditMetadata { ["note"] = "Zoë <b>&</b> 'quoted' \"double\" a+b\n\t\u0001 ✓ 😀" };

        var json = Encoding.UTF8.GetString(WorkOsJson.SerializeEvent(TestEvents.MinimalSignIn(metadata)));

        // Like JSON.stringify: only quotes, backslashes and control characters are escaped, and text
        // stays UTF-8; characters outside the BMP are the one difference (an escaped surrogate pair).
        Assert.EndsWith("""
            "metadata":{"note":"Zoë <b>&</b> 'quoted' \"double\" a+b\n\t\u0001 ✓ \uD83D\uDE00"}}
            """, json, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(metadata["note"].AsString(), document.RootElement.GetProperty("metadata").GetProperty("note").GetString());
    }

    [Fact]
    public void Composed_request_embeds_the_stored_event_bytes_unchanged()
    {
        var auditEvent = TestEvents.MinimalSignIn(new AuditMetadata { ["plan"] = "pro" });
        var eventJson = WorkOsJson.SerializeEvent(auditEvent);

        var composed = WorkOsJson.ComposeCreateEventRequest(auditEvent.OrganizationId, eventJson);

        Assert.Equal(WorkOsJson.SerializeCreateEventRequest(auditEvent), composed);
    }

    [Fact]
    public void Metadata_reads_back_all_three_value_types_and_refuses_nesting_and_null()
    {
        var converter = new AuditMetadataJsonConverter();
        var options = new JsonSerializerOptions { Converters = { converter } };

        var metadata = JsonSerializer.Deserialize<AuditMetadata>("""{"plan":"pro","seats":25,"ratio":0.5,"sso":true}""", options)!;

        Assert.Equal(["plan", "seats", "ratio", "sso"], metadata.Keys);
        Assert.Equal("pro", metadata["plan"].AsString());
        Assert.Equal(25, metadata["seats"].AsInt64());
        Assert.Equal(0.5, metadata["ratio"].AsDouble());
        Assert.True(metadata["sso"].AsBoolean());
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AuditMetadata>("""{"a":{"b":1}}""", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AuditMetadata>("""{"a":null}""", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<AuditMetadata>("""{"a":[1]}""", options));
    }

    [Fact]
    public void Metadata_values_are_equal_only_in_the_same_kind_and_value()
    {
        AuditMetadataValue[] distinct = [1L, 1.0, true, "1", 0L, 0.0, false, "", 0.5, double.NaN, -2L, -2.0];

        for (var i = 0; i < distinct.Length; i++)
        {
            for (var j = 0; j < distinct.Length; j++)
            {
                Assert.True((i == j) == (distinct[i] == distinct[j]), $"{distinct[i].Kind} {distinct[i]} against {distinct[j].Kind} {distinct[j]}");
            }
        }

        Assert.Equal(AuditMetadataValue.FromDouble(0.0), AuditMetadataValue.FromDouble(-0.0));
        Assert.Equal(AuditMetadataValue.FromDouble(0.1 + 0.2).GetHashCode(), AuditMetadataValue.FromDouble(0.1 + 0.2).GetHashCode());
        Assert.Equal(-2.5, AuditMetadataValue.FromDouble(-2.5).AsDouble());
        Assert.Equal(long.MinValue, AuditMetadataValue.FromInt64(long.MinValue).AsInt64());
        Assert.Equal(-2.0, AuditMetadataValue.FromInt64(-2).AsDouble());
        Assert.False(AuditMetadataValue.FromBoolean(false).AsBoolean());
        Assert.Throws<InvalidOperationException>(() => AuditMetadataValue.FromDouble(1.5).AsInt64());
    }

    [Fact]
    public void Metadata_keeps_first_insertion_order_when_a_key_is_set_again()
    {
        var metadata = new AuditMetadata { ["b"] = 1, ["a"] = 2 };
        metadata["b"] = 3;

        var json = Encoding.UTF8.GetString(WorkOsJson.SerializeEvent(TestEvents.MinimalSignIn(metadata)));

        Assert.EndsWith("""
            "metadata":{"b":3,"a":2}}
            """, json, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => metadata.Add("a", 4));
    }
}
