using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AuditGen.AspNetCore.Tests;
using AuditGen.Events;
using AuditGen.Pipeline;
using AuditGen.Tests.Processes;
using AuditGen.Stores.PostgreSql;
using AuditGen.Tests.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.PostgreSql.Tests;

/// <summary>Several application instances on one PostgreSQL audit log, and the database going away under load.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class SharedLogTests(PostgresServer server)
{
    private readonly string _schema = PostgresServer.NewSchema();

    [Fact]
    public async Task Two_app_processes_started_together_and_writing_one_organization_concurrently_land_once_each_in_one_valid_chain()
    {
        var environment = new Dictionary<string, string>
        {
            ["AuditGen__PostgreSql__ConnectionString"] = server.ConnectionString,
            ["AuditGen__PostgreSql__Schema"] = _schema,
        };

        // Both start at once on an empty schema, so both race to create it: the migration lock lets one do it.
        var starting = new[] { TestApiProcess.StartAsync("TestApiPath", environment), TestApiProcess.StartAsync("TestApiPath", environment) };
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var started in starting.Where(static task => task.IsCompletedSuccessfully))
            {
                await (await started).DisposeAsync();
            }

            throw;
        }

        await using var first = await starting[0];
        await using var second = await starting[1];

        const int PerProcess = 200;
        var requests = new[] { ("a", first), ("b", second) }.SelectMany(app => Enumerable.Range(0, PerProcess).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/teams/team_{i % 7}/members") { Content = JsonContent.Create(new { userId = $"user_{app.Item1}_{i}", role = "member" }) };
            request.Headers.Add("X-Tenant-Id", "org_shared");
            using var response = await app.Item2.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }));
        await Task.WhenAll(requests);

        using var log = new PostgreSqlAuditStore(server.ConnectionString, _schema, null, TimeProvider.System);
        var query = new AuditQuery { OrganizationId = "org_shared", Actions = ["team.member_added"] };
        await Eventually.GetAsync(() => log.CountAsync(query, CancellationToken.None), static count => count >= 2 * PerProcess, "both processes' events in the shared log");
        var users = new List<string>();
        await foreach (var entry in log.QueryAsync(query, CancellationToken.None))
        {
            using var json = JsonDocument.Parse(entry.EventJson);
            users.Add(json.RootElement.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("type").GetString() == "user").GetProperty("id").GetString()!);
        }

        var expected = new[] { "a", "b" }.SelectMany(app => Enumerable.Range(0, PerProcess).Select(i => $"user_{app}_{i}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), users.Order(StringComparer.Ordinal));
        var verification = await log.VerifyAsync(CancellationToken.None);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(2 * PerProcess, verification.RecordsChecked);
    }

    [Fact]
    public async Task With_the_server_down_for_seconds_under_load_nothing_is_lost_and_the_chain_verifies()
    {
        var deliveries = new ConcurrentDictionary<AuditEventId, int>();
        using var host = await StartHostAsync(deliveries);
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var written = new List<AuditEventId>();
        var loadDone = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            while (!loadDone.IsCancellationRequested)
            {
                var auditEvent = Event("org_outage");
                written.Add(auditEvent.Id);
                await writer.WriteAsync(auditEvent);
                await Task.Delay(5);
            }
        });

        await Task.Delay(1_500);
        await server.StopAsync();
        var duringOutage = await Eventually.GetAsync(() => health.CheckHealthAsync(), static report => report.Status == HealthStatus.Unhealthy, "the health check to report the store down");
        await Task.Delay(3_000);
        await server.StartAsync();
        await Task.Delay(1_500);
        await loadDone.CancelAsync();
        await load;

        using var log = new PostgreSqlAuditStore(server.ConnectionString, _schema, null, TimeProvider.System);
        await Eventually.GetAsync(() => log.CountAsync(new AuditQuery(), CancellationToken.None), count => count >= written.Count, "every event written during the outage", seconds: 60);
        var stored = new List<AuditEventId>();
        await foreach (var entry in log.QueryAsync(new AuditQuery(), CancellationToken.None))
        {
            stored.Add(entry.EventId);
        }

        Assert.Equal(written.Order(), stored.Order());
        Assert.True((await log.VerifyAsync(CancellationToken.None)).IsIntact);

        // Delivery lost its lease with the connection, took it again, and delivered everything.
        await Eventually.Get(() => deliveries.Count, count => count >= written.Count, "delivery to catch up after the outage", seconds: 60);
        Assert.Equal(written.Order(), deliveries.Keys.Order());
        Assert.Contains("cannot be read", duringOutage.Entries["auditgen"].Description, StringComparison.Ordinal);
        Assert.Contains(((CapturingLoggerProvider)host.Services.GetRequiredService<ILoggerProvider>()).Logs, static log => log.Level >= LogLevel.Error && log.Category.Contains("AuditStoreWriter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Instances_sharing_the_log_deliver_each_event_from_one_place_and_a_survivor_takes_over()
    {
        var deliveries = new ConcurrentDictionary<AuditEventId, int>();
        var first = await StartHostAsync(deliveries);
        using var second = await StartHostAsync(deliveries);
        var events = Enumerable.Range(0, 400).Select(_ => Event("org_lease")).ToArray();
        for (var i = 0; i < events.Length; i++)
        {
            await (i % 2 == 0 ? first : second).Services.GetRequiredService<IAuditEventWriter>().WriteAsync(events[i]);
        }

        await Eventually.Get(() => deliveries.Count, static count => count >= 400, "the first 400 deliveries");
        await first.StopAsync();
        first.Dispose();
        var more = Enumerable.Range(0, 100).Select(_ => Event("org_lease")).ToArray();
        foreach (var auditEvent in more)
        {
            await second.Services.GetRequiredService<IAuditEventWriter>().WriteAsync(auditEvent);
        }

        await Eventually.Get(() => deliveries.Count, static count => count >= 500, "the survivor to deliver the rest", seconds: 30);
        Assert.Equal(events.Concat(more).Select(e => e.Id).Order(), deliveries.Keys.Order());
        Assert.All(deliveries, pair => Assert.Equal(1, pair.Value));
    }

    private async Task<IHost> StartHostAsync(ConcurrentDictionary<AuditEventId, int>? deliveries = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditGen:PostgreSql:ConnectionString"] = server.ConnectionString,
            ["AuditGen:PostgreSql:Schema"] = _schema,
            ["AuditGen:StoreRetryDelay"] = "00:00:00.200",
            ["AuditGen:DeliveryPollInterval"] = "00:00:00.100",
            ["AuditGen:DeliveryRetryDelay"] = "00:00:00.100",
        });
        builder.Logging.ClearProviders().AddProvider(new CapturingLoggerProvider());
        builder.Services.AddAuditGen().UsePostgreSql();
        builder.Services.AddHealthChecks().AddAuditGen();
        if (deliveries is not null)
        {
            builder.Services.AddSingleton<IAuditSink>(new CountingSink(deliveries));
        }

        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static AuditEvent Event(string organization) => new()
    {
        OrganizationId = organization,
        Action = "team.renamed",
        Actor = new AuditActor { Type = "user", Id = "user_1" },
        Targets = [new AuditTarget { Type = "team", Id = "team_1" }],
        Context = new AuditContext { Location = "127.0.0.1" },
    };

    private sealed class CountingSink(ConcurrentDictionary<AuditEventId, int> deliveries) : IAuditSink
    {
        public string Name => "counting";

        public ValueTask<AuditDeliveryResult> DeliverAsync(StoredAuditEntry entry, CancellationToken cancellationToken)
        {
            deliveries.AddOrUpdate(entry.EventId, 1, static (_, count) => count + 1);
            return ValueTask.FromResult(AuditDeliveryResult.Delivered);
        }
    }
}
