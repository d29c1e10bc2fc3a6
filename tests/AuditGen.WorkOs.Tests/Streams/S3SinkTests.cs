using System.Diagnostics.Metrics;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Amazon.S3.Model;
using AuditGen.Events;
using AuditGen.Tests.TestSupport;
using AuditGen.WorkOs.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AuditGen.WorkOs.Tests.Streams;

/// <summary>The S3 sink against a real S3-compatible server (s3rver) on 127.0.0.1, faults injected by a TCP proxy in between.</summary>
public sealed class S3SinkTests
{
    [Fact]
    public async Task Each_organization_s_records_land_in_one_object_per_batch_named_by_day_and_record_range_with_Content_MD5()
    {
        await using var s3 = await S3rver.StartAsync();
        await using var proxy = new FaultProxy(s3.Port, seed: 1);
        using var database = new TempDatabase();
        await using var host = await StartAsync(database, proxy.Url);
        var day = new DateTimeOffset(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);
        await host.Writer.WriteAsync(Numbered(1, "org_a", day));
        await host.Writer.WriteAsync(Numbered(2, "org_b", day));
        await host.Writer.WriteAsync(Numbered(3, "org_a", day));
        await host.Writer.WriteCommittedAsync(Numbered(4, "../evil/x", day));

        var objects = await Eventually.GetAsync(() => ReadAllAsync(s3), static o => o.Sum(static x => x.Lines.Count) == 4, "the four records in S3");

        Assert.Equal(
            [
                "auditgen/%2E%2E%2Fevil%2Fx/2026/11/27/00000000000000000004-00000000000000000004.jsonl.gz",
                "auditgen/org_a/2026/11/27/00000000000000000001-00000000000000000003.jsonl.gz",
                "auditgen/org_b/2026/11/27/00000000000000000002-00000000000000000002.jsonl.gz",
            ],
            objects.Select(static o => o.Key).Order(StringComparer.Ordinal));
        var orgA = objects.Single(static o => o.Key.Contains("/org_a/", StringComparison.Ordinal));
        Assert.Equal([1, 3], orgA.Lines.Select(static line => (int)line["event"]!["metadata"]!["n"]!));
        Assert.All(orgA.Lines, static line => Assert.Equal("org_a", (string?)line["organization_id"]));

        // The integrity header Object Lock buckets require, and no trailing checksum (which s3rver refuses).
        var puts = proxy.RequestHeads.Where(static head => head.StartsWith("PUT ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(puts);
        Assert.All(puts, static head => Assert.Contains("\r\nContent-MD5: ", head, StringComparison.OrdinalIgnoreCase));
        Assert.All(puts, static head => Assert.DoesNotContain("x-amz-trailer", head, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task S3_100_000_events_through_30_percent_faults_arrive_and_a_retried_upload_rewrites_its_own_object()
    {
        await using var s3 = await S3rver.StartAsync();
        await using var proxy = new FaultProxy(s3.Port, seed: 5) { SlowDownRate = 0.08, DropBeforeRate = 0.08, DropAfterRate = 0.08, SlowRate = 0.06 };
        using var database = new TempDatabase();
        await using var host = await StartAsync(database, proxy.Url, new() { ["AuditGen:S3:MaxBatchSize"] = "2000", ["AuditGen:QueueCapacity"] = "20000" });
        using var metrics = new MetricCollector(host.Services.GetRequiredService<IMeterFactory>());

        const int Count = 100_000;
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Count; i++)
        {
            var auditEvent = Numbered(i, "org_" + (i % 3), DateTimeOffset.UtcNow);
            written.Add(auditEvent.Id.ToString());
            await host.Writer.WriteAsync(auditEvent);
        }

        await Eventually.GetAsync(async () => await host.Log.GetStatisticsAsync(default), static stats => stats.Records == Count && stats.Sinks.Single().Backlog == 0, "every event stored and the cursor past it", seconds: 300);
        var objects = await ReadAllAsync(s3);

        // Every record once: uploads whose answer was lost were retried under the same key and replaced their own object.
        var ids = objects.SelectMany(static o => o.Lines).Select(static line => (string)line["id"]!).ToList();
        Assert.Equal(Count, ids.Count);
        Assert.Equal(written, ids.ToHashSet(StringComparer.Ordinal));
        foreach (var fault in new[] { "503", "drop_before", "drop_after", "slow" })
        {
            Assert.True(proxy.Injected.GetValueOrDefault(fault) > 0, $"fault {fault} was never injected");
        }

        Assert.Equal(Count, metrics.Total("auditgen.events.delivered"));
        Assert.Empty(await host.Log.GetDeadLettersAsync("s3", default));
    }

    [Fact]
    public async Task A_host_stopped_mid_delivery_resumes_from_its_cursor_and_every_record_is_in_exactly_one_object()
    {
        await using var s3 = await S3rver.StartAsync();
        await using var proxy = new FaultProxy(s3.Port, seed: 2) { SlowRate = 1.0, SlowAnswer = TimeSpan.FromMilliseconds(150) };
        using var database = new TempDatabase();
        const int Count = 20_000;
        var written = new HashSet<string>(StringComparer.Ordinal);

        // Stored before delivery starts, so every batch is full and a batch sent again after the restart is the same batch.
        await using (var writer = await AuditHost.StartAsync(database.Path, new Uri("http://127.0.0.1:9/"), new Dictionary<string, string?> { ["AuditGen:QueueCapacity"] = "20000" }, addSinks: static _ => { }))
        {
            for (var i = 0; i < Count; i++)
            {
                var auditEvent = Numbered(i, "org_" + (i % 2), DateTimeOffset.UtcNow);
                written.Add(auditEvent.Id.ToString());
                await writer.Writer.WriteAsync(auditEvent);
            }
        }

        var settings = new Dictionary<string, string?> { ["AuditGen:S3:MaxBatchSize"] = "1000" };
        await using (var first = await StartAsync(database, proxy.Url, settings))
        {
            await Eventually.GetAsync(() => ReadAllAsync(s3), static o => o.Count >= 4, "delivery to be under way");
        }

        var beforeRestart = (await ReadAllAsync(s3)).Sum(static o => o.Lines.Count);
        Assert.InRange(beforeRestart, 1, Count - 1);

        await using var second = await StartAsync(database, proxy.Url, settings);
        await Eventually.GetAsync(async () => (await second.Log.GetStatisticsAsync(default)).Sinks.Single().Backlog, static backlog => backlog == 0, "the cursor to pass every event", seconds: 120);
        var ids = (await ReadAllAsync(s3)).SelectMany(static o => o.Lines).Select(static line => (string)line["id"]!).ToList();
        Assert.Equal(Count, ids.Count);
        Assert.Equal(written, ids.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Refused_credentials_pause_the_sink_without_logging_the_secret()
    {
        // s3rver checks the access key id but not the signature, so an unknown key id is what it refuses.
        await using var s3 = await S3rver.StartAsync();
        using var database = new TempDatabase();
        await using var host = await StartAsync(database, s3.Url, new() { ["AuditGen:S3:AccessKeyId"] = "AKIAUNKNOWN", ["AuditGen:S3:SecretAccessKey"] = "wrong-secret-0123456789" });
        await host.Writer.WriteAsync(Numbered(1, "org_a", DateTimeOffset.UtcNow));

        var report = await Eventually.GetAsync(host.HealthAsync, static r => r.Status == HealthStatus.Unhealthy, "the health check to report the pause");
        Assert.Contains("S3 refused the bucket or the credentials", string.Join('\n', report.Entries.Values.Select(static e => e.Description)), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-0123456789", string.Join('\n', host.Logs.Logs.Select(static l => l.Message + l.Exception)), StringComparison.Ordinal);
        Assert.Empty(await ReadAllAsync(s3));
    }

    [Fact]
    public async Task S3_options_are_checked_at_start_up()
    {
        using var database = new TempDatabase();
        var failure = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => AuditHost.StartAsync(
            database.Path,
            new Uri("http://127.0.0.1:9/"),
            new Dictionary<string, string?> { ["AuditGen:S3:AccessKeyId"] = "AKIA0000" },
            addSinks: static auditGen => auditGen.AddS3Sink()));
        Assert.Contains("AuditGen:S3:Bucket is not set", failure.Message, StringComparison.Ordinal);
        Assert.Contains("AuditGen:S3:AccessKeyId and AuditGen:S3:SecretAccessKey are set together", failure.Message, StringComparison.Ordinal);
    }

    private static Task<AuditHost> StartAsync(TempDatabase database, Uri serviceUrl, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AuditGen:S3:Bucket"] = S3rver.Bucket,
            ["AuditGen:S3:ServiceUrl"] = serviceUrl.ToString(),
            ["AuditGen:S3:ForcePathStyle"] = "true",
            ["AuditGen:S3:Region"] = "us-east-1",
            ["AuditGen:S3:AccessKeyId"] = S3rver.AccessKeyId,
            ["AuditGen:S3:SecretAccessKey"] = S3rver.SecretAccessKey,
            ["AuditGen:S3:RequestTimeout"] = "00:00:05",
            ["AuditGen:S3:PausedRetryInterval"] = "00:00:00.100",
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return AuditHost.StartAsync(database.Path, new Uri("http://127.0.0.1:9/"), settings, addSinks: static auditGen => auditGen.AddS3Sink());
    }

    private static async Task<List<(string Key, List<JsonObject> Lines)>> ReadAllAsync(S3rver s3)
    {
        var objects = new List<(string, List<JsonObject>)>();
        string? token = null;
        do
        {
            var page = await s3.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3rver.Bucket, ContinuationToken = token });
            foreach (var item in page.S3Objects ?? [])
            {
                using var response = await s3.Client.GetObjectAsync(S3rver.Bucket, item.Key);
                await using var gzip = new GZipStream(response.ResponseStream, CompressionMode.Decompress);
                using var reader = new StreamReader(gzip);
                var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(static line => JsonNode.Parse(line)!.AsObject()).ToList();
                objects.Add((item.Key, lines));
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return objects;
    }

    private static AuditEvent Numbered(int n, string organizationId, DateTimeOffset occurredAt) => new()
    {
        OccurredAt = occurredAt,
        OrganizationId = organizationId,
        Action = "user.signed_in",
        Actor = new AuditActor { Type = "user", Id = $"user_{n}" },
        Context = new AuditContext { Location = "127.0.0.1" },
        Metadata = new() { ["n"] = n },
    };
}
