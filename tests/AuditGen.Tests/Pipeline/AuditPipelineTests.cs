using AuditGen.Events;
using AuditGen.Pipeline;
using AuditGen.Stores.InMemory;
using AuditGen.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.Tests.Pipeline;

public class AuditPipelineTests
{
    [Fact]
    public async Task Written_event_is_stored_and_the_logging_sink_writes_it_as_one_line_of_WorkOS_JSON()
    {
        var logs = new CapturingLoggerProvider();
        using var host = BuildHost(logs, builder => builder.AddLoggingSink());
        await host.StartAsync();
        var auditEvent = TestEvents.MinimalSignIn(new AuditMetadata { ["plan"] = "pro" });

        await host.Services.GetRequiredService<IAuditEventWriter>().WriteAsync(auditEvent);

        var line = await Eventually.Get(
            () => logs.Logs.FirstOrDefault(l => l.Category == "AuditGen.Events"),
            l => l is not null,
            "the logging sink's line");
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal(
            $"audit {auditEvent.Id} " + """{"organization_id":"org_01EHWNCE74X7JSDV0X3SZ3KJNY","event":{"action":"user.signed_in","occurred_at":"2022-09-02T16:35:39.317Z","actor":{"type":"user","id":"user_01GBTCQ2QTQWM7C1ERYHGSE9C4"},"targets":[{"type":"user","id":"user_01GBTCQ2QTQWM7C1ERYHGSE9C4"}],"context":{"location":"123.123.123.123","user_agent":"Chrome/104.0.0.0"},"metadata":{"plan":"pro"}}}""",
            line.Message);
        var stored = Assert.Single(Store(host).Entries);
        Assert.Equal(auditEvent.Id, stored.EventId);
        Assert.Equal(1, stored.Sequence);
        await host.StopAsync();
    }

    [Fact]
    public async Task Rejected_event_is_stored_marked_logged_as_a_warning_and_never_thrown_at_the_writer()
    {
        var logs = new CapturingLoggerProvider();
        using var host = BuildHost(logs, builder => builder.AddLoggingSink());
        await host.StartAsync();
        var auditEvent = TestEvents.MinimalSignIn(new AuditMetadata { ["bad key!"] = "x" });

        await host.Services.GetRequiredService<IAuditEventWriter>().WriteAsync(auditEvent);

        var stored = await Eventually.Get(() => Store(host).Entries.SingleOrDefault(), e => e is not null, "the stored entry");
        Assert.Equal("/metadata: The metadata key 'bad key!' may only contain letters, digits, '_' and '-'.", stored.Rejection);
        var warning = await Eventually.Get(
            () => logs.Logs.FirstOrDefault(l => l.Category == "AuditGen.Events"),
            l => l is not null,
            "the logging sink's line");
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("rejected (/metadata: The metadata key 'bad key!'", warning.Message, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_sink_that_fails_is_retried_on_the_same_event_and_order_is_kept()
    {
        var sink = new ScriptedSink("flaky", (entry, attempt) =>
            entry.Sequence == 2 && attempt < 3 ? AuditDeliveryResult.Retry("503 from the test") : AuditDeliveryResult.Delivered);
        using var host = BuildHost(new CapturingLoggerProvider(), builder => builder.Services.AddSingleton<IAuditSink>(sink));
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();

        for (var i = 0; i < 3; i++)
        {
            await writer.WriteAsync(TestEvents.MinimalSignIn());
        }

        await Eventually.Get(() => sink.Delivered.Count, n => n == 3, "three deliveries");
        Assert.Equal([1L, 2L, 3L], sink.Delivered.Select(e => e.Sequence));
        Assert.Equal(3, sink.Attempts(2));
        await Eventually.GetAsync(
            async () => await Store(host).GetSinkCursorAsync("flaky", CancellationToken.None),
            cursor => cursor == 3,
            "the cursor at 3");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_refused_event_becomes_a_dead_letter_with_the_reason_and_delivery_moves_on()
    {
        var sink = new ScriptedSink("picky", (entry, _) =>
            entry.Sequence == 1 ? AuditDeliveryResult.DeadLetter("400 Invalid Audit Log event.") : AuditDeliveryResult.Delivered);
        using var host = BuildHost(new CapturingLoggerProvider(), builder => builder.Services.AddSingleton<IAuditSink>(sink));
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();

        await writer.WriteAsync(TestEvents.MinimalSignIn());
        await writer.WriteAsync(TestEvents.MinimalSignIn());

        await Eventually.Get(() => sink.Delivered.Count, n => n == 1, "the second event delivered");
        var deadLetter = Assert.Single(await Store(host).GetDeadLettersAsync("picky", CancellationToken.None));
        Assert.Equal(1, deadLetter.Sequence);
        Assert.Equal("400 Invalid Audit Log event.", deadLetter.Reason);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_batch_sink_gets_batches_in_store_order_and_a_refused_batch_is_split_so_only_the_refused_event_is_dead_lettered()
    {
        // The destination refuses any batch holding event 7 (say, 400 for one malformed log) and takes the rest; event 3 is
        // one the sink knows its destination would refuse (say, too old), so it is never sent.
        var sink = new ScriptedBatchSink(
            "intake",
            maxBatchSize: 4,
            entries => entries.Any(static e => e.Sequence == 7) ? AuditDeliveryResult.DeadLetter("400 malformed log") : AuditDeliveryResult.Delivered,
            refusal: static entry => entry.Sequence == 3 ? "too old for the destination" : null);
        using var host = BuildHost(new CapturingLoggerProvider(), builder => builder.Services.AddSingleton<IAuditSink>(sink));
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        for (var i = 0; i < 10; i++)
        {
            await writer.WriteAsync(TestEvents.MinimalSignIn());
        }

        await host.StartAsync();
        await Eventually.GetAsync(async () => await Store(host).GetSinkCursorAsync("intake", CancellationToken.None), cursor => cursor == 10, "the cursor at 10");

        Assert.Equal([1L, 2L, 4L, 5L, 6L, 8L, 9L, 10L], sink.Delivered.Select(static e => e.Sequence).Order());
        // Event 3 is left out of the first batch unsent; the second is refused and split.
        Assert.Equal([1L, 2L, 4L], sink.Batches[0]);
        Assert.Equal([5L, 6L, 7L, 8L], sink.Batches[1]);
        Assert.Equal([[5L], [6L], [7L], [8L], [9L, 10L]], sink.Batches.Skip(2));
        var deadLetters = await Store(host).GetDeadLettersAsync("intake", CancellationToken.None);
        Assert.Equal([(3L, "too old for the destination"), (7L, "400 malformed log")], deadLetters.Select(static d => (d.Sequence, d.Reason)).Order());
        await host.StopAsync();
    }

    [Fact]
    public async Task An_event_that_becomes_unacceptable_while_its_batch_is_retried_is_dead_lettered_before_the_next_attempt()
    {
        // The first attempt fails; by the next one event 2 has grown too old for the destination.
        var attempts = 0;
        var sink = new ScriptedBatchSink(
            "aging",
            maxBatchSize: 10,
            _ => Interlocked.Increment(ref attempts) == 1 ? AuditDeliveryResult.Retry("503 from the test") : AuditDeliveryResult.Delivered,
            refusal: entry => entry.Sequence == 2 && Volatile.Read(ref attempts) >= 1 ? "too old by now" : null);
        using var host = BuildHost(new CapturingLoggerProvider(), builder => builder.Services.AddSingleton<IAuditSink>(sink));
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        for (var i = 0; i < 3; i++)
        {
            await writer.WriteAsync(TestEvents.MinimalSignIn());
        }

        await host.StartAsync();
        await Eventually.GetAsync(async () => await Store(host).GetSinkCursorAsync("aging", CancellationToken.None), cursor => cursor == 3, "the cursor at 3");

        Assert.Equal([[1L, 2L, 3L], [1L, 3L]], sink.Batches);
        Assert.Equal([1L, 3L], sink.Delivered.Select(static e => e.Sequence));
        var deadLetter = Assert.Single(await Store(host).GetDeadLettersAsync("aging", CancellationToken.None));
        Assert.Equal((2L, "too old by now"), (deadLetter.Sequence, deadLetter.Reason));
        await host.StopAsync();
    }

    [Fact]
    public async Task Stopping_the_host_drains_every_queued_event_into_the_store()
    {
        using var host = BuildHost(new CapturingLoggerProvider(), _ => { });
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        var ids = new List<AuditEventId>();

        for (var i = 0; i < 20_000; i++)
        {
            var auditEvent = TestEvents.MinimalSignIn();
            ids.Add(auditEvent.Id);
            await writer.WriteAsync(auditEvent);
        }

        await host.StopAsync();

        Assert.Equal(ids, Store(host).Entries.Select(e => e.EventId));
        await Assert.ThrowsAsync<AuditPipelineClosedException>(async () =>
        {
            // After the drain the queue refuses new events loudly instead of losing them.
            for (var i = 0; i < 20_001; i++)
            {
                await writer.WriteAsync(TestEvents.MinimalSignIn());
            }
        });
    }

    [Fact]
    public async Task Pipeline_reports_its_stages_as_metrics()
    {
        using var host = BuildHost(new CapturingLoggerProvider(), builder => builder.AddLoggingSink());
        using var collector = new MetricCollector(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();

        await writer.WriteAsync(TestEvents.MinimalSignIn());
        await writer.WriteAsync(TestEvents.MinimalSignIn(new AuditMetadata { ["note"] = new string('x', 501) }));

        await Eventually.Get(() => collector.Total("auditgen.events.delivered"), n => n == 2, "two deliveries counted");
        Assert.Equal(2, collector.Total("auditgen.events.created"));
        Assert.Equal(2, collector.Total("auditgen.events.stored"));
        Assert.Equal(1, collector.Total("auditgen.events.adjusted"));
        Assert.Equal(0, collector.Total("auditgen.events.rejected"));
        Assert.Contains("auditgen.queue.depth", collector.ObservedInstruments());
        Assert.NotEmpty(collector.Recorded("auditgen.store.commit.duration"));
        Assert.All(collector.Recorded("auditgen.store.commit.duration"), commit => Assert.True(commit.Value >= 0));
        var deliveries = collector.Recorded("auditgen.delivery.duration");
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, delivery => Assert.Equal(("logging", "delivered"), (delivery.Tags["auditgen.sink"], delivery.Tags["auditgen.outcome"])));
        await host.StopAsync();
    }

    private static IHost BuildHost(CapturingLoggerProvider logs, Action<IAuditGenBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
        var auditGen = builder.Services.AddAuditGen(options =>
        {
            options.DeliveryRetryDelay = TimeSpan.FromMilliseconds(20);
            options.QueueCapacity = 20_000;
        }).UseInMemoryStore();
        configure(auditGen);
        return builder.Build();
    }

    private static InMemoryAuditStore Store(IHost host) => (InMemoryAuditStore)host.Services.GetRequiredService<IAuditStore>();
}
