using System.Globalization;
using System.Text.Json.Nodes;
using AuditGen.Events;
using AuditGen.Tests.TestSupport;
using AuditGen.WorkOs.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditGen.WorkOs.Tests.Streams;

/// <summary>The syslog sink against a real rsyslog on 127.0.0.1: RFC 5425 over TLS, and RELP over mutual TLS.</summary>
public sealed class SyslogSinkTests
{
    [Fact]
    public async Task Over_TLS_each_event_arrives_as_an_RFC_5424_message_with_its_ids_in_structured_data_and_the_stored_JSON()
    {
        await using var rsyslog = await Rsyslog.StartAsync();
        using var database = new TempDatabase();
        await using var host = await StartAsync(database, rsyslog, "Tls", rsyslog.TlsPort);
        var events = Enumerable.Range(0, 20).Select(static n => Numbered(n, "org_\"quoted]")).ToList();
        foreach (var auditEvent in events)
        {
            await host.Writer.WriteAsync(auditEvent);
        }

        var received = (await Eventually.Get(rsyslog.Received, static r => r?.Count == 20, "20 messages at rsyslog"))!;
        var stored = await host.Log.ReadAfterAsync(0, 100, default);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("auditgen", received[i].AppName);
            Assert.Equal($"""[auditgen@32473 event_id="{events[i].Id}" organization_id="org_\"quoted\]" action="user.signed_in"]""", received[i].StructuredData);
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(stored[i].EventJson.Span), JsonNode.Parse(received[i].Message)));
        }
    }

    [Fact]
    public async Task An_event_longer_than_the_receiver_takes_is_dead_lettered_with_the_reason_and_never_cut()
    {
        await using var rsyslog = await Rsyslog.StartAsync();
        using var database = new TempDatabase();
        await using var host = await StartAsync(database, rsyslog, "Relp", rsyslog.RelpPort);
        var large = Numbered(1, "org_a");
        for (var key = 0; key < 30; key++)
        {
            large.Metadata![string.Create(CultureInfo.InvariantCulture, $"field_{key}")] = new string('x', 400);
        }

        await host.Writer.WriteAsync(Numbered(0, "org_a"));
        await host.Writer.WriteAsync(large);
        await host.Writer.WriteAsync(Numbered(2, "org_a"));

        var deadLetter = Assert.Single(await Eventually.GetAsync(async () => await host.Log.GetDeadLettersAsync("syslog", default), static d => d.Count == 1, "the long event's dead letter"));
        Assert.Contains("longer than the receiver takes (AuditGen:Syslog:MaxMessageSize, 8,192)", deadLetter.Reason, StringComparison.Ordinal);
        var received = (await Eventually.Get(rsyslog.Received, static r => r?.Count == 2, "the two short events"))!;
        Assert.All(received, static message => Assert.Equal("object", JsonValueKind(message.Message)));
    }

    [Fact]
    public async Task Over_RELP_100_000_events_are_each_acknowledged_and_all_arrive()
    {
        await using var rsyslog = await Rsyslog.StartAsync();
        using var database = new TempDatabase();
        await using var host = await StartAsync(database, rsyslog, "Relp", rsyslog.RelpPort, new() { ["AuditGen:QueueCapacity"] = "20000" });

        const int Count = 100_000;
        var written = await WriteAsync(host, Count);

        await Eventually.GetAsync(async () => await host.Log.GetStatisticsAsync(default), static stats => stats.Records == Count && stats.Sinks.Single().Backlog == 0, "every event stored and the cursor past it", seconds: 300);
        var ids = rsyslog.Received().Select(static message => EventId(message.StructuredData)).ToList();
        Assert.Equal(written, ids.ToHashSet(StringComparer.Ordinal));
        Assert.Empty(await host.Log.GetDeadLettersAsync("syslog", default));
    }

    [Fact]
    public async Task A_receiver_certificate_from_an_untrusted_authority_pauses_the_sink()
    {
        await using var rsyslog = await Rsyslog.StartAsync();
        using var database = new TempDatabase();
        await using var host = await StartAsync(database, rsyslog, "Tls", rsyslog.TlsPort, new() { ["AuditGen:Syslog:TrustedCertificateAuthorityPath"] = null });
        await host.Writer.WriteAsync(Numbered(1, "org_a"));

        var report = await Eventually.GetAsync(host.HealthAsync, static r => r.Status == HealthStatus.Unhealthy, "the health check to report the pause");
        Assert.Contains("TLS failed", string.Join('\n', report.Entries.Values.Select(static e => e.Description)), StringComparison.Ordinal);
        Assert.Empty(rsyslog.Received());
    }

    [Theory]
    [InlineData("AuditGen:Syslog:Host", "", "AuditGen:Syslog:Host is not set")]
    [InlineData("AuditGen:Syslog:AppName", "audit gen", "AuditGen:Syslog:AppName must be 1 to 48 printable ASCII characters")]
    [InlineData("AuditGen:Syslog:Facility", "24", "AuditGen:Syslog:Facility must be between 0 and 23")]
    [InlineData("AuditGen:Syslog:TrustedCertificateAuthorityPath", "/no/such/ca.pem", "AuditGen:Syslog:TrustedCertificateAuthorityPath names no file")]
    public async Task Syslog_options_are_checked_at_start_up(string key, string value, string message)
    {
        using var database = new TempDatabase();
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => AuditHost.StartAsync(
            database.Path,
            new Uri("http://127.0.0.1:9/"),
            new Dictionary<string, string?> { ["AuditGen:Syslog:Host"] = "siem.example.com", [key] = value },
            addSinks: static auditGen => auditGen.AddSyslogSink()));
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    private static async Task<HashSet<string>> WriteAsync(AuditHost host, int count)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var auditEvent = Numbered(i, "org_" + (i % 7));
            written.Add(auditEvent.Id.ToString());
            await host.Writer.WriteAsync(auditEvent);
        }

        return written;
    }

    private static string JsonValueKind(string message) => JsonNode.Parse(message)!.GetValueKind().ToString().ToLowerInvariant();

    private static string EventId(string structuredData)
    {
        const string Marker = "event_id=\"";
        var start = structuredData.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length;
        return structuredData[start..structuredData.IndexOf('"', start)];
    }

    private static Task<AuditHost> StartAsync(TempDatabase database, Rsyslog rsyslog, string transport, int port, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AuditGen:Syslog:Host"] = "127.0.0.1",
            ["AuditGen:Syslog:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["AuditGen:Syslog:Transport"] = transport,
            ["AuditGen:Syslog:TrustedCertificateAuthorityPath"] = rsyslog.AuthorityPath,
            ["AuditGen:Syslog:ClientCertificatePath"] = rsyslog.ClientCertificatePath,
            ["AuditGen:Syslog:ClientCertificateKeyPath"] = rsyslog.ClientKeyPath,
            ["AuditGen:Syslog:RequestTimeout"] = "00:00:05",
            ["AuditGen:Syslog:PausedRetryInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return AuditHost.StartAsync(database.Path, new Uri("http://127.0.0.1:9/"), settings, addSinks: static auditGen => auditGen.AddSyslogSink());
    }

    private static AuditEvent Numbered(int n, string organizationId) => new()
    {
        OrganizationId = organizationId,
        Action = "user.signed_in",
        Actor = new AuditActor { Type = "user", Id = $"user_{n}" },
        Context = new AuditContext { Location = "127.0.0.1" },
        Metadata = new() { ["n"] = n },
    };
}
