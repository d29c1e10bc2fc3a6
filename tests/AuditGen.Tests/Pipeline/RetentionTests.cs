using AuditGen.Pipeline;
using AuditGen.Tests.Stores;
using AuditGen.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.Tests.Pipeline;

public sealed class RetentionTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact]
    public async Task A_configured_retention_period_purges_old_records_at_start_up_and_the_chain_still_verifies()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using (var store = _database.Open(clock: clock))
        {
            await store.AppendAsync(StoreEntries.Entries(3), CancellationToken.None);
            clock.Now = clock.Now.AddDays(40);
            await store.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
        }

        var logs = new CapturingLoggerProvider();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddAuditGen(options => options.RetentionPeriod = TimeSpan.FromDays(30))
            .UseSqlite(sqlite => sqlite.Path = _database.Path);
        using var host = builder.Build();
        await host.StartAsync();

        var log = host.Services.GetRequiredService<IAuditLog>();
        await Eventually.GetAsync(async () => (await log.GetStatisticsAsync(CancellationToken.None)).Records, n => n == 2, "the old records to be purged");
        var verification = await log.VerifyAsync(CancellationToken.None);
        await host.StopAsync();

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(3, verification.CheckpointSequence);
        Assert.Contains(logs.Logs, l => l.Message == "Audit retention removed 3 records older than 30.00:00:00, through sequence 3.");
    }

    public void Dispose() => _database.Dispose();
}
