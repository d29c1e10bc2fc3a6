using AuditGen.Pipeline;
using AuditGen.Tests.Stores;
using AuditGen.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.Tests.Pipeline;

/// <summary>The pipeline on the real default store, when the store is slow or unusable.</summary>
public sealed class StoreBackPressureTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact]
    public async Task A_full_queue_makes_writers_wait_counts_and_logs_it_and_loses_nothing()
    {
        var logs = new CapturingLoggerProvider();
        using var host = BuildHost(logs, _database.Path, queueCapacity: 2);
        using var metrics = new MetricCollector(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        var log = (IReadableAuditStore)host.Services.GetRequiredService<IAuditStore>();
        await writer.WriteCommittedAsync(TestEvents.MinimalSignIn());

        Task writing;

        // The store cannot commit, so the queue fills up.
        using (LockTheDatabase())
        {
            writing = Task.Run(async () =>
            {
                for (var i = 0; i < 50; i++)
                {
                    await writer.WriteAsync(TestEvents.MinimalSignIn());
                }
            });
            await Eventually.Get(() => metrics.Total("auditgen.queue.full"), n => n > 0, "a write to find the queue full");
        }

        await writing;
        await Eventually.GetAsync(async () => (await log.ReadAfterAsync(0, 100, CancellationToken.None)).Count, n => n == 51, "all 51 events stored");
        Assert.Single(logs.Logs, l => l.Level == LogLevel.Warning && l.Message.StartsWith("The audit queue is full", StringComparison.Ordinal));
        Assert.True((await log.VerifyAsync(CancellationToken.None)).IsIntact);
        await host.StopAsync();
    }

    [Fact]
    public async Task In_spill_mode_a_full_queue_never_makes_a_writer_wait_and_spilled_events_reach_the_store()
    {
        var logs = new CapturingLoggerProvider();
        var spillPath = SpillPath;
        using var host = BuildHost(logs, _database.Path, queueCapacity: 2, spillPath);
        using var metrics = new MetricCollector(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        var log = (IReadableAuditStore)host.Services.GetRequiredService<IAuditStore>();
        await writer.WriteCommittedAsync(TestEvents.MinimalSignIn());
        var ids = new List<AuditGen.Events.AuditEventId>();

        using (LockTheDatabase())
        {
            // Every write completes while the store is locked: nothing waits for room.
            for (var i = 0; i < 50; i++)
            {
                var auditEvent = TestEvents.MinimalSignIn();
                ids.Add(auditEvent.Id);
                var write = writer.WriteAsync(auditEvent);
                Assert.True(write.IsCompleted, $"write {i} waited");
            }

            Assert.True(metrics.Total("auditgen.queue.spilled") > 0);
            Assert.True(IsOnDisk(spillPath), "the spilled events are not on disk");
        }

        await Eventually.GetAsync(async () => (await log.ReadAfterAsync(0, 100, CancellationToken.None)).Count, n => n == 51, "all 51 events stored");
        var stored = (await log.ReadAfterAsync(0, 100, CancellationToken.None)).Select(e => e.EventId).ToHashSet();
        Assert.Subset(stored, ids.ToHashSet());
        await Eventually.Get(() => IsOnDisk(spillPath), onDisk => !onDisk, "the spill file to be emptied");
        Assert.True((await log.VerifyAsync(CancellationToken.None)).IsIntact);
        await host.StopAsync();
    }

    [Fact]
    public async Task In_wait_mode_a_writer_waits_only_QueueFullWait_and_then_spills_and_nothing_is_lost()
    {
        var spillPath = SpillPath;
        var logs = new CapturingLoggerProvider();
        using var host = BuildHost(logs, _database.Path, queueCapacity: 2, spillPath, queueFullMode: AuditQueueFullMode.Wait, queueFullWait: TimeSpan.FromMilliseconds(100));
        using var metrics = new MetricCollector(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        var log = (IReadableAuditStore)host.Services.GetRequiredService<IAuditStore>();

        using (LockTheDatabase())
        {
            // Every write returns although the lock is never released meanwhile. The writer's stuck batch (10 at most)
            // and the queue (2) hold 12 events at most; the others waited 100 ms for room and spilled.
            for (var i = 0; i < 30; i++)
            {
                await writer.WriteAsync(TestEvents.MinimalSignIn());
            }

            Assert.True(metrics.Total("auditgen.queue.spilled") >= 30 - 12, $"{metrics.Total("auditgen.queue.spilled")} events spilled");
            Assert.True(IsOnDisk(spillPath), "the spilled events are not on disk");
        }

        await Eventually.GetAsync(async () => (await log.ReadAfterAsync(0, 100, CancellationToken.None)).Count, n => n == 30, "all 30 events stored");
        Assert.True((await log.VerifyAsync(CancellationToken.None)).IsIntact);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_strict_write_that_gives_up_waiting_for_room_spills_its_event_instead_of_losing_it()
    {
        var spillPath = SpillPath;
        using var host = BuildHost(new CapturingLoggerProvider(), _database.Path, queueCapacity: 2, spillPath, queueFullMode: AuditQueueFullMode.Wait, queueFullWait: Timeout.InfiniteTimeSpan);
        using var metrics = new MetricCollector(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await host.StartAsync();
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        var log = (IReadableAuditStore)host.Services.GetRequiredService<IAuditStore>();
        var strict = TestEvents.MinimalSignIn();

        Task waiting;

        using (LockTheDatabase())
        {
            // The writer's stuck batch (10 at most) and the queue (2) fill up; the rest wait for room, as configured.
            waiting = Task.WhenAll(Enumerable.Range(0, 20).Select(_ => writer.WriteAsync(TestEvents.MinimalSignIn()).AsTask()));
            await Eventually.Get(() => metrics.Total("auditgen.queue.full"), n => n > 0, "writers to wait for room");

            // A strict request's time limit ends its wait: the request is refused, but the action happened.
            using var timeLimit = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await writer.WriteCommittedAsync(strict, timeLimit.Token));
        }

        await waiting;
        Assert.Equal(1, metrics.Total("auditgen.queue.spilled"));
        var stored = await Eventually.GetAsync(async () => await log.ReadAfterAsync(0, 100, CancellationToken.None), e => e.Count == 21, "all 21 events stored");
        Assert.Contains(stored, e => e.EventId == strict.Id);
        Assert.Equal(0, metrics.Total("auditgen.events.lost"));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_spill_file_left_by_a_crash_is_stored_at_start_up()
    {
        var spillPath = SpillPath;
        var spilled = StoreEntries.Entries(3);
        Spill(spillPath, spilled);

        var stored = await RestartOverTheSpillAsync(3, new CapturingLoggerProvider());

        Assert.Equal(spilled.Select(e => e.Event.Id), stored.Select(e => e.EventId));
        Assert.Equal(spilled.Select(e => System.Text.Encoding.UTF8.GetString(e.EventJson.Span)), stored.Select(e => System.Text.Encoding.UTF8.GetString(e.EventJson.Span)));
    }

    [Fact]
    public async Task A_drain_cut_short_by_a_crash_is_finished_at_start_up_before_newer_spills_and_stores_each_event_once()
    {
        var spillPath = SpillPath;
        var draining = StoreEntries.Entries(25);
        var newer = StoreEntries.Entries(3);
        Spill(spillPath, draining);

        // The crash came after the first batch of the draining file was committed, before the file was deleted.
        File.Move(spillPath, spillPath + ".draining");
        using (var store = new AuditGen.Stores.Sqlite.SqliteAuditStore(_database.Path, null, TimeProvider.System))
        {
            await store.AppendAsync(draining.Take(10).ToArray(), CancellationToken.None);
        }

        Spill(spillPath, newer);

        var stored = await RestartOverTheSpillAsync(28, new CapturingLoggerProvider());

        Assert.Equal(draining.Concat(newer).Select(e => e.Event.Id), stored.Select(e => e.EventId));
    }

    [Fact]
    public async Task A_line_torn_by_a_crash_is_kept_aside_and_logged_and_the_events_around_it_are_stored()
    {
        var spillPath = SpillPath;
        var before = StoreEntries.Entries(2);
        var after = StoreEntries.Entries(1);
        Spill(spillPath, before);

        // The process died halfway through writing a third line: no newline, half a JSON object.
        var torn = (await File.ReadAllLinesAsync(spillPath))[0][..40];
        await File.AppendAllTextAsync(spillPath, torn);

        // After the restart the next spill starts on a line of its own instead of completing the torn one.
        Spill(spillPath, after);

        var logs = new CapturingLoggerProvider();
        MetricCollector? metrics = null;

        var stored = await RestartOverTheSpillAsync(3, logs, services => metrics = new MetricCollector(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

        using (metrics)
        {
            Assert.Equal(1, metrics!.Total("auditgen.events.lost"));
        }

        Assert.Equal(before.Concat(after).Select(e => e.Event.Id), stored.Select(e => e.EventId));
        Assert.Equal([torn], await File.ReadAllLinesAsync(spillPath + ".damaged"));
        Assert.Contains(logs.Logs, l => l.Level == LogLevel.Critical && l.Message.Contains("1 lines of the audit spill file", StringComparison.Ordinal) && l.Message.Contains(spillPath + ".damaged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unusable_store_is_logged_clearly_and_neither_the_host_nor_the_writer_fails()
    {
        var logs = new CapturingLoggerProvider();
        var blocker = Path.Combine(_database.Directory, "a-file");
        await File.WriteAllTextAsync(blocker, "not a directory");
        using var host = BuildHost(logs, Path.Combine(blocker, "audit.db"), queueCapacity: 100);
        using var metrics = new MetricCollector(host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
        await host.StartAsync();

        await host.Services.GetRequiredService<IAuditEventWriter>().WriteAsync(TestEvents.MinimalSignIn());

        var failure = await Eventually.Get(() => logs.Logs.FirstOrDefault(l => l.Level == LogLevel.Error && l.Exception is AuditStoreException), l => l is not null, "the store failure to be logged");
        Assert.Contains("Cannot create the directory of the audit database", failure.Exception!.Message, StringComparison.Ordinal);
        Assert.Contains("could not commit 1 events", failure.Message, StringComparison.Ordinal);
        Assert.True(metrics.Total("auditgen.store.failures") > 0);
        await host.StopAsync();
        Assert.Contains(logs.Logs, l => l.Level == LogLevel.Critical && l.Message.Contains("1 events were still queued or being written", StringComparison.Ordinal));
        Assert.Equal(1, metrics.Total("auditgen.events.lost"));
    }

    [Fact]
    public async Task The_store_recovers_once_its_directory_can_be_created()
    {
        var blocker = Path.Combine(_database.Directory, "later-a-directory");
        await File.WriteAllTextAsync(blocker, "in the way");
        using var store = new AuditGen.Stores.Sqlite.SqliteAuditStore(Path.Combine(blocker, "audit.db"), null, TimeProvider.System);
        await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(StoreEntries.Entries(1), CancellationToken.None));

        File.Delete(blocker);
        await store.AppendAsync(StoreEntries.Entries(1), CancellationToken.None);

        Assert.Single(await store.ReadAfterAsync(0, 10, CancellationToken.None));
    }

    private string SpillPath => Path.Combine(_database.Directory, "spill.jsonl");

    // The store writer may already have renamed the spill file to start draining it (the drain then waits for the lock).
    private static bool IsOnDisk(string spillPath) => File.Exists(spillPath) || File.Exists(spillPath + ".draining");

    /// <summary>
    /// Starts the application over what the spill file holds, as after a crash, waits until the store holds
    /// <paramref name="count"/> events, and stops it: the chain verifies and no spill file is left.
    /// </summary>
    private async Task<IReadOnlyList<StoredAuditEntry>> RestartOverTheSpillAsync(int count, CapturingLoggerProvider logs, Action<IServiceProvider>? beforeStart = null)
    {
        using var host = BuildHost(logs, _database.Path, queueCapacity: 10, SpillPath);
        beforeStart?.Invoke(host.Services);
        await host.StartAsync();
        var log = (IReadableAuditStore)host.Services.GetRequiredService<IAuditStore>();

        var stored = await Eventually.GetAsync(async () => await log.ReadAfterAsync(0, 100, CancellationToken.None), e => e.Count == count, $"the {count} spilled events to be stored");
        var verification = await log.VerifyAsync(CancellationToken.None);
        await host.StopAsync();

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.False(File.Exists(SpillPath));
        Assert.False(File.Exists(SpillPath + ".draining"));
        return stored;
    }

    /// <summary>Spills the entries as the pipeline would, each by a new spill file as after a restart.</summary>
    private static void Spill(string spillPath, IEnumerable<AuditEntry> entries)
    {
        foreach (var entry in entries)
        {
            new AuditSpillFile(spillPath).Append(entry);
        }
    }

    /// <summary>Another process's write lock on the database, held until disposed: the store cannot commit meanwhile.</summary>
    private SqliteConnection LockTheDatabase()
    {
        var locker = new SqliteConnection($"Data Source={_database.Path};Pooling=False");
        locker.Open();
        using var begin = locker.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE";
        begin.ExecuteNonQuery();
        return locker;
    }

    public void Dispose() => _database.Dispose();

    /// <summary>A host whose writers spill at once when given a spill path, and otherwise wait as long as it takes, unless told otherwise.</summary>
    private static IHost BuildHost(CapturingLoggerProvider logs, string path, int queueCapacity, string? spillPath = null, AuditQueueFullMode? queueFullMode = null, TimeSpan? queueFullWait = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.Services.AddAuditGen(options =>
        {
            options.QueueCapacity = queueCapacity;
            options.StoreBatchSize = 10;
            options.StoreRetryDelay = TimeSpan.FromMilliseconds(100);
            options.QueueFullMode = queueFullMode ?? (spillPath is null ? AuditQueueFullMode.Wait : AuditQueueFullMode.Spill);
            options.QueueFullWait = queueFullWait ?? Timeout.InfiniteTimeSpan;
            options.SpillPath = spillPath ?? options.SpillPath;
        }).UseSqlite(sqlite => sqlite.Path = path);
        return builder.Build();
    }
}
