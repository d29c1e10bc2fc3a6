using System.Collections.Concurrent;
using AuditGen.Events;
using AuditGen.Tests.TestSupport;

namespace AuditGen.Tests.Events;

public class AuditEventIdTests
{
    [Fact]
    public void Ids_made_concurrently_are_unique_and_each_thread_sees_them_strictly_increasing()
    {
        const int Threads = 8;
        const int PerThread = 50_000;
        var all = new ConcurrentBag<AuditEventId>();
        var outOfOrder = 0;

        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, _ =>
        {
            var previous = AuditEventId.New();
            for (var i = 0; i < PerThread; i++)
            {
                var id = AuditEventId.New();
                if (id <= previous)
                {
                    Interlocked.Increment(ref outOfOrder);
                }

                previous = id;
                all.Add(id);
            }
        });

        Assert.Equal(0, outOfOrder);
        Assert.Equal(Threads * PerThread, all.Select(id => id.Value).Distinct().Count());
    }

    [Fact]
    public void Ids_are_version_7_UUIDs_whose_text_sorts_in_creation_order()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => AuditEventId.New()).ToArray();

        Assert.All(ids, id => Assert.Equal(7, id.Value.Version));
        Assert.All(ids, id => Assert.Equal(0b10, id.Value.Variant >> 2));
        Assert.Equal(ids.Select(id => id.ToString()), ids.Select(id => id.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Id_carries_its_creation_time_to_the_millisecond()
    {
        var before = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

        var id = AuditEventId.New();

        var after = DateTimeOffset.UtcNow;
        Assert.InRange(id.Timestamp, before, after);
    }

    [Fact]
    public void Every_event_gets_its_own_id_at_creation()
    {
        var first = TestEvents.MinimalSignIn();
        var second = TestEvents.MinimalSignIn();

        Assert.NotEqual(first.Id, second.Id);
        Assert.True(first.Id < second.Id);
    }

    [Fact]
    public void Text_form_round_trips_and_non_v7_guids_are_refused()
    {
        var id = AuditEventId.New();

        Assert.True(AuditEventId.TryParse(id.ToString(), out var parsed));
        Assert.Equal(id, parsed);
        Assert.False(AuditEventId.TryParse(Guid.NewGuid().ToString(), out _));
        Assert.False(AuditEventId.TryParse("not-an-id", out _));
        Assert.Throws<ArgumentException>(() => AuditEventId.FromGuid(Guid.NewGuid()));
    }
}
