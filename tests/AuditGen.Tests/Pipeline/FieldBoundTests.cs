using AuditGen.Events;
using AuditGen.Pipeline;
using AuditGen.Stores.InMemory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.Tests.Pipeline;

public class FieldBoundTests
{
    [Fact]
    public async Task Every_string_of_an_event_is_cut_to_MaxFieldLength_before_it_is_queued_and_each_cut_is_an_adjustment()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAuditGen(options => options.MaxFieldLength = 64).UseInMemoryStore();
        using var host = builder.Build();
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        var (big, fits) = (new string('b', 5_000), new string('f', 64));

        await writer.WriteAsync(new AuditEvent
        {
            OrganizationId = "org_" + big,
            Action = "user.signed_in",
            Actor = new AuditActor { Type = "user", Id = big, Name = fits },
            Targets = [new AuditTarget { Type = "team", Id = "team_1", Name = big }],
            Context = new AuditContext { Location = big, UserAgent = big },
            Metadata = new AuditMetadata { ["note"] = big, ["count"] = 3 },
        });
        await host.StopAsync();

        var stored = Assert.Single(((InMemoryAuditStore)host.Services.GetRequiredService<IAuditStore>()).Entries);
        Assert.Equal(
            [
                "/metadata/note: truncated from 5000 to 64 characters",
                "/organization_id: truncated from 5004 to 64 characters",
                "/actor/id: truncated from 5000 to 64 characters",
                "/targets/0/name: truncated from 5000 to 64 characters",
                "/context/location: truncated from 5000 to 64 characters",
                "/context/user_agent: truncated from 5000 to 64 characters",
            ],
            stored.Adjustments);
        var json = System.Text.Encoding.UTF8.GetString(stored.EventJson.Span);
        Assert.Contains($"\"id\":\"{big[..64]}\",\"name\":\"{fits}\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('b', 65), json, StringComparison.Ordinal);
        Assert.Contains("\"count\":3", json, StringComparison.Ordinal);
    }
}
