using System.Text;
using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Ledger;
using AuditGen.Pipeline;

namespace AuditGen.Tests.Contracts;

/// <summary>
/// What every durable store promises, run against each of them (SQLite and PostgreSQL): order and exact JSON,
/// idempotent appends, per-sink delivery state, WorkOS's export filters, retention, and a chain that catches tampering.
/// </summary>
public abstract class AuditStoreContract
{
    /// <summary>Opens the store under test; each call opens the same log again, as a restart would.</summary>
    private protected abstract IReadableAuditStore OpenStore(byte[]? chainKey = null);

    /// <summary>Runs SQL against the store's tables directly, as someone with database access could.</summary>
    protected abstract Task TamperAsync(string sql);

    [Fact]
    public async Task Appended_entries_read_back_in_order_with_their_exact_JSON_and_survive_reopening()
    {
        var entries = Entries(3);
        var store = OpenStore();
        await store.AppendAsync(entries, CancellationToken.None);
        Dispose(store);

        var reopened = OpenStore();
        await reopened.AppendAsync([Entry()], CancellationToken.None);
        var read = await reopened.ReadAfterAsync(0, 10, CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4], read.Select(e => e.Sequence));
        Assert.Equal(entries.Select(e => e.Event.Id), read.Take(3).Select(e => e.EventId));
        Assert.Equal(entries.Select(e => Encoding.UTF8.GetString(e.EventJson.Span)), read.Take(3).Select(e => Encoding.UTF8.GetString(e.EventJson.Span)));
        Assert.Equal([2L, 3], (await reopened.ReadAfterAsync(1, 2, CancellationToken.None)).Select(e => e.Sequence));
        Assert.True((await reopened.VerifyAsync(CancellationToken.None)).IsIntact);
        Dispose(reopened);
    }

    [Fact]
    public async Task An_event_already_stored_is_not_stored_again()
    {
        var store = OpenStore();
        var entry = Entry();
        await store.AppendAsync([entry, entry], CancellationToken.None);
        await store.AppendAsync([entry, Entry()], CancellationToken.None);

        Assert.Equal([1L, 2], (await store.ReadAfterAsync(0, 10, CancellationToken.None)).Select(e => e.Sequence));
        Assert.True((await store.VerifyAsync(CancellationToken.None)).IsIntact);
        Dispose(store);
    }

    [Fact]
    public async Task Cursors_dead_letters_and_redrives_are_kept_per_sink()
    {
        var store = OpenStore();
        await store.AppendAsync(Entries(3), CancellationToken.None);
        Assert.Equal(0, await store.GetSinkCursorAsync("workos", CancellationToken.None));
        await store.SetSinkCursorAsync("workos", 3, CancellationToken.None);
        await store.AddDeadLetterAsync(new AuditDeadLetter("workos", 2, "400 Invalid Audit Log event.", DateTimeOffset.UnixEpoch), CancellationToken.None);
        Assert.Equal(1, await store.RequestRedriveAsync("workos", null, CancellationToken.None));
        var redrive = Assert.Single(await store.ReadRedrivesAsync("workos", 10, CancellationToken.None));
        Dispose(store);

        var reopened = OpenStore();
        Assert.Equal(3, await reopened.GetSinkCursorAsync("workos", CancellationToken.None));
        Assert.Equal(0, await reopened.GetSinkCursorAsync("splunk", CancellationToken.None));
        Assert.Equal(2, redrive.Sequence);
        Assert.StartsWith($"{redrive.EventId}.redrive-", redrive.IdempotencyKey, StringComparison.Ordinal);
        await reopened.AddDeadLetterAsync(new AuditDeadLetter("workos", 2, "400 again", DateTimeOffset.UnixEpoch), CancellationToken.None);
        var deadLetter = Assert.Single(await reopened.GetDeadLettersAsync("workos", CancellationToken.None));
        Assert.Equal(("400 again", (DateTimeOffset?)null), (deadLetter.Reason, deadLetter.RedriveRequestedAt));
        await reopened.RemoveDeadLetterAsync("workos", 2, CancellationToken.None);
        Assert.Empty(await reopened.GetDeadLettersAsync("workos", CancellationToken.None));
        var sinks = (await reopened.GetStatisticsAsync(CancellationToken.None)).Sinks;
        Assert.Equal([("splunk", 0L, 3L), ("workos", 3L, 0L)], sinks.Select(s => (s.Sink, s.Cursor, s.Backlog)));
        Dispose(reopened);
    }

    [Fact]
    public async Task Queries_apply_WorkOS_export_filters_count_and_page_both_ways()
    {
        var store = OpenStore();
        var at = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        await store.AppendAsync(
        [
            Entry("org_a", "user.signed_in", "user_1", "Ada", "user", at),
            Entry("org_a", "team.renamed", "user_2", "Bob", "team", at.AddHours(1)),
            Entry("org_b", "team.renamed", "user_1", "Ada", "team", at.AddHours(2)),
            Entry("org_a", "invoice.voided", "user_3", null, "invoice", at.AddHours(3)),
        ], CancellationToken.None);

        async Task<long[]> Sequences(AuditQuery query)
        {
            var found = new List<long>();
            await foreach (var entry in store.QueryAsync(query, CancellationToken.None))
            {
                found.Add(entry.Sequence);
            }

            return [.. found];
        }

        Assert.Equal(new long[] { 1, 2, 4 }, await Sequences(new AuditQuery { OrganizationId = "org_a" }));
        Assert.Equal(new long[] { 2, 3 }, await Sequences(new AuditQuery { RangeStart = at.AddHours(1), RangeEnd = at.AddHours(3) }));
        Assert.Equal(new long[] { 2, 3, 4 }, await Sequences(new AuditQuery { Actions = ["team.renamed", "invoice.voided"] }));
        Assert.Equal(new long[] { 1, 3 }, await Sequences(new AuditQuery { ActorNames = ["Ada"] }));
        Assert.Equal(new long[] { 2, 4 }, await Sequences(new AuditQuery { ActorIds = ["user_2", "user_3"] }));
        Assert.Equal(new long[] { 2, 3 }, await Sequences(new AuditQuery { TargetTypes = ["team"] }));
        Assert.Equal(new long[] { 4, 2 }, await Sequences(new AuditQuery { OrganizationId = "org_a", NewestFirst = true, Limit = 2 }));
        Assert.Equal(new long[] { 1 }, await Sequences(new AuditQuery { OrganizationId = "org_a", NewestFirst = true, AfterSequence = 2 }));
        Assert.Equal(new long[] { 2, 3 }, await Sequences(new AuditQuery { AfterSequence = 1, Limit = 2 }));
        var third = (await store.ReadAfterAsync(2, 1, CancellationToken.None))[0];
        Assert.Equal(new long[] { 3 }, await Sequences(new AuditQuery { EventId = third.EventId }));
        Assert.Empty(await Sequences(new AuditQuery { EventId = third.EventId, OrganizationId = "org_a" }));
        Assert.Equal(3, await store.CountAsync(new AuditQuery { OrganizationId = "org_a", Limit = 1 }, CancellationToken.None));
        var statistics = await store.GetStatisticsAsync(CancellationToken.None);
        Assert.Equal((4L, 4L), (statistics.Records, statistics.LastSequence));
        Assert.Equal(("team.renamed", 2L), (statistics.Actions[0].Action, statistics.Actions[0].Count));
        Dispose(store);
    }

    [Theory]
    [InlineData("UPDATE audit_events SET organization_id = 'org_evil' WHERE sequence = 5", 5L)]
    [InlineData("UPDATE audit_events SET action = 'team.deleted' WHERE sequence = 5", 5L)]
    [InlineData("DELETE FROM audit_events WHERE sequence = 5", 6L)]
    [InlineData("UPDATE audit_events SET sequence = -1 WHERE sequence = 4; UPDATE audit_events SET sequence = 4 WHERE sequence = 5; UPDATE audit_events SET sequence = 5 WHERE sequence = -1", 4L)]
    [InlineData("DELETE FROM audit_events WHERE sequence > 7", 8L)]
    public async Task Tampering_is_reported_at_the_first_record_it_touches(string tampering, long firstBroken)
    {
        var store = OpenStore();
        await store.AppendAsync(Entries(10), CancellationToken.None);
        Assert.True((await store.VerifyAsync(CancellationToken.None)).IsIntact);

        await TamperAsync(tampering);
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Equal(firstBroken, verification.FirstBrokenSequence);
        Dispose(store);
    }

    [Fact]
    public async Task Purge_leaves_a_verifiable_checkpoint_and_keeps_what_a_sink_has_not_delivered()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var store = OpenStore(key);
        await store.AppendAsync(Entries(6), CancellationToken.None);
        await store.GetSinkCursorAsync("workos", CancellationToken.None);
        await store.SetSinkCursorAsync("workos", 4, CancellationToken.None);
        await store.AddDeadLetterAsync(new AuditDeadLetter("workos", 3, "404 Not Found", DateTimeOffset.UnixEpoch), CancellationToken.None);

        // A dead letter has not reached its sink either: it holds retention back until it is delivered.
        var held = await store.PurgeAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        await store.RemoveDeadLetterAsync("workos", 3, CancellationToken.None);
        var purge = await store.PurgeAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);
        await store.AppendAsync(Entries(2), CancellationToken.None);
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.Equal((2L, 2L), (held.PurgedCount, held.ThroughSequence));
        Assert.Equal((2L, 4L), (purge.PurgedCount, purge.ThroughSequence));
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal((4L, 4L), (verification.CheckpointSequence, verification.RecordsChecked));
        Assert.Equal([5L, 6, 7, 8], (await store.ReadAfterAsync(0, 10, CancellationToken.None)).Select(e => e.Sequence));
        Dispose(store);

        var withoutKey = OpenStore();
        await Assert.ThrowsAsync<AuditStoreException>(() => withoutKey.PurgeAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None));
        Dispose(withoutKey);
    }

    [Fact]
    public async Task A_cursor_never_moves_back()
    {
        var store = OpenStore();
        await store.AppendAsync(Entries(5), CancellationToken.None);
        await store.SetSinkCursorAsync("workos", 4, CancellationToken.None);
        await store.SetSinkCursorAsync("workos", 2, CancellationToken.None);

        Assert.Equal(4, await store.GetSinkCursorAsync("workos", CancellationToken.None));
        Dispose(store);
    }

    [Fact]
    public async Task Concurrent_appenders_over_many_organizations_make_one_gapless_feed_and_every_log_verifies()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => OpenStore()).ToArray();
        var written = new List<AuditEventId>();
        var batches = Enumerable.Range(0, 40).Select(b => Enumerable.Range(0, 25).Select(i => Entry(organization: $"org_{(b + i) % 7}")).ToArray()).ToArray();
        foreach (var batch in batches)
        {
            written.AddRange(batch.Select(e => e.Event.Id));
        }

        await Task.WhenAll(batches.Select((batch, i) => Task.Run(async () => await stores[i % stores.Length].AppendAsync(batch, CancellationToken.None))));

        var read = await stores[0].ReadAfterAsync(0, 10_000, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 1000).Select(i => (long)i), read.Select(e => e.Sequence));
        Assert.Equal(written.Order(), read.Select(e => e.EventId).Order());
        var verification = await stores[0].VerifyAsync(CancellationToken.None);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(1000, verification.RecordsChecked);
        foreach (var store in stores)
        {
            Dispose(store);
        }
    }

    [Theory]
    [InlineData("DELETE FROM audit_events WHERE organization_id = 'org_b'; DELETE FROM ledger_trees WHERE partition = 'org_b';", "is gone")]
    [InlineData("UPDATE ledger_top_leaves SET tree_id = 999 WHERE tree_id = (SELECT id FROM ledger_trees WHERE partition = 'org_b');", "were moved")]
    [InlineData("UPDATE ledger_top_leaves SET size = 1 WHERE leaf_index = (SELECT max(leaf_index) FROM ledger_top_leaves);", "size stored beside it")]
    public async Task A_whole_organization_s_log_removed_or_detached_from_its_checkpoints_is_caught(string tampering, string problem)
    {
        var store = OpenStore();
        await store.AppendAsync([.. Entries(2), Entry(organization: "org_b"), Entry(organization: "org_b")], CancellationToken.None);
        Assert.True((await store.VerifyAsync(CancellationToken.None)).IsIntact);

        await TamperAsync(tampering);
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Contains(problem, verification.Problem, StringComparison.Ordinal);
        Dispose(store);
    }

    [Fact]
    public async Task Organization_ids_that_look_like_paths_SQL_or_control_characters_stay_data_in_their_own_logs()
    {
        string[] organizations = ["../../etc/passwd", "org'); DROP TABLE audit_events; --", "org\u0001\n\u2028", "org_1", ""];
        var store = OpenStore();
        await store.AppendAsync(organizations.SelectMany(organization => Enumerable.Range(0, 2).Select(_ => Entry(organization: organization))).ToArray(), CancellationToken.None);

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(10, verification.RecordsChecked);
        foreach (var organization in organizations)
        {
            Assert.Equal(2, await store.CountAsync(new AuditQuery { OrganizationId = organization }, CancellationToken.None));
        }

        Assert.Equal(LogTables, await LogTablesAsync());
        Dispose(store);
    }

    [Fact]
    public async Task One_batch_touching_10000_organizations_is_placed_in_10000_logs_that_verify()
    {
        var store = OpenStore();
        await store.AppendAsync(Enumerable.Range(0, 10_000).Select(i => Entry(organization: $"org_{i}")).ToArray(), CancellationToken.None);

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(10_000, verification.RecordsChecked);
        Assert.Equal(1, await store.CountAsync(new AuditQuery { OrganizationId = "org_9999" }, CancellationToken.None));
        Dispose(store);
    }

    [Fact]
    public async Task Consistency_proofs_of_the_top_level_log_and_inclusion_proofs_of_records_verify_across_stored_bands()
    {
        var store = OpenStore();

        // 300 organizations at once: one checkpoint of 300 top-level leaves, past the first stored band of 256.
        await store.AppendAsync(Enumerable.Range(0, 300).Select(i => Entry(organization: $"org_{i}")).ToArray(), CancellationToken.None);
        await store.CountAsync(new AuditQuery(), CancellationToken.None);
        await store.AppendAsync([.. Enumerable.Range(0, 600).Select(_ => Entry(organization: "org_big")), .. Enumerable.Range(0, 40).Select(i => Entry(organization: $"org_{i}"))], CancellationToken.None);

        var reader = (ILedgerReader)store;
        var (leaves, newest, tree, records) = await reader.ReadLedgerAsync(snapshot =>
        {
            var top = snapshot.ReadTopLog(out var note);
            var big = snapshot.ReadTrees().Single(t => t.Partition == "org_big");
            return Task.FromResult((snapshot.ReadTopLeafRange(0, top.Size), note!, big, snapshot.ReadRecords("org_big", 0).ToList()));
        }, CancellationToken.None);

        // Roots rebuilt here from the leaves alone, apart from the stored subtrees the proofs are made of.
        Assert.Equal(341, leaves.Count);
        Assert.True(Checkpoint.TryParse(newest, out var checkpoint, out var problem), problem);
        Assert.Equal(RootOf(leaves.Select(static text => MerkleHash.Leaf(Encoding.UTF8.GetBytes(text))).ToList(), leaves.Count), checkpoint!.RootHash);
        foreach (var (oldSize, newSize) in new (long, long)[] { (1, 341), (255, 341), (256, 300), (300, 341), (341, 341) })
        {
            var proof = await reader.ReadLedgerAsync(snapshot => Task.FromResult(LedgerProofs.TopLevelConsistency(snapshot, oldSize, newSize)), CancellationToken.None);
            var hashes = leaves.Select(static text => MerkleHash.Leaf(Encoding.UTF8.GetBytes(text))).ToList();
            Assert.True(MerkleProof.VerifyConsistency(oldSize, newSize, RootOf(hashes, oldSize), RootOf(hashes, newSize), proof), $"{oldSize} -> {newSize}");
        }

        var leafHashes = records.Select(static record => record.LeafHash).ToList();
        Assert.Equal(600, tree.Size);
        foreach (var index in new long[] { 0, 5, 255, 256, 511, 599 })
        {
            var proof = await reader.ReadLedgerAsync(snapshot => Task.FromResult(LedgerProofs.Inclusion(snapshot, tree, index, 600)), CancellationToken.None);
            Assert.True(MerkleProof.VerifyInclusion(index, 600, leafHashes[(int)index], proof, RootOf(leafHashes, 600)), $"record {index}");
            Assert.False(MerkleProof.VerifyInclusion(index, 600, leafHashes[(int)((index + 1) % 600)], proof, RootOf(leafHashes, 600)));
        }

        Dispose(store);
    }

    [Fact]
    public async Task An_organization_s_proven_export_carries_the_kept_witnessed_checkpoint_and_verifies_offline()
    {
        var key = Enumerable.Range(3, 32).Select(i => (byte)i).ToArray();
        var store = OpenStore(key);
        await store.AppendAsync([.. Enumerable.Range(0, 300).Select(_ => Entry(organization: "org_big")), Entry(organization: "org_small")], CancellationToken.None);
        await store.CountAsync(new AuditQuery(), CancellationToken.None);
        var reader = (ILedgerReader)store;
        var (size, note) = await reader.ReadLedgerAsync(static snapshot => Task.FromResult((snapshot.ReadTopLog(out var newest).Size, newest!)), CancellationToken.None);
        Assert.True(Cosigner.TryParse(Cosigner.Generate("witness.test/w1"), out var witness, out _));
        using (witness)
        {
            var cosigned = note + witness!.CosignatureLine(SignedNote.TextOf(note), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            await reader.KeepWitnessedCheckpointAsync(size, cosigned, CancellationToken.None);
            await store.AppendAsync(Entries(2), CancellationToken.None);
            await reader.KeepWitnessedCheckpointAsync(size - 1, note, CancellationToken.None);

            using var export = new MemoryStream();
            var summary = await AuditGen.Export.ProvenExport.WriteAsync(reader, new AuditQuery { OrganizationId = "org_big" }, null, export, null, CancellationToken.None);
            export.Position = 0;
            var verification = await AuditGen.Export.ProvenExportVerifier.VerifyAsync(export, new(LedgerKeys.SettingsFor(key).Verifier!, [witness.Verifier], 1), CancellationToken.None);

            Assert.Equal(cosigned, await reader.ReadLedgerAsync(static snapshot => Task.FromResult(snapshot.ReadWitnessedCheckpoint()), CancellationToken.None));
            Assert.True(verification.IsValid, verification.Problem);
            Assert.Equal((300L, 300L, size, true), (verification.Records, verification.Header!.Checkpoint.Size, summary.TopLevelSize, summary.Witnessed));
            Assert.Equal("witness.test/w1", Assert.Single(verification.Header.Cosignatures).Witness);

            // What the viewer shows the organization: its own log's size in that checkpoint, and who cosigned it.
            var coverage = await AuditGen.Export.ProvenExport.ReadCoverageAsync(reader, "org_big", [witness.Verifier], CancellationToken.None);
            Assert.Equal((300L, true, "witness.test/w1"), (coverage!.Records, coverage.Witnessed, Assert.Single(coverage.Cosignatures).Witness));
            Assert.Null(await AuditGen.Export.ProvenExport.ReadCoverageAsync(reader, "org_none", [witness.Verifier], CancellationToken.None));
        }

        Dispose(store);
    }

    private static byte[] RootOf(IReadOnlyList<byte[]> leafHashes, long size)
    {
        var frontier = MerkleFrontier.Empty();
        foreach (var hash in leafHashes.Take((int)size))
        {
            frontier.Append(hash, static (_, _) => { });
        }

        return frontier.Root();
    }

    /// <summary>The tables every log has, whatever its organizations: partitions are keys, never tables.</summary>
    private static readonly string[] LogTables =
    [
        "audit_checkpoints", "audit_dead_letters", "audit_events", "audit_head", "audit_sink_cursors",
        "ledger_checkpoints", "ledger_nodes", "ledger_state", "ledger_top_leaves", "ledger_trees", "ledger_witnessed",
    ];

    /// <summary>The store's own tables, sorted, leaving out the dialect's bookkeeping (batch and version tables).</summary>
    protected abstract Task<string[]> LogTablesAsync();

    private protected static AuditEntry Entry(string organization = "org_1", string action = "team.renamed", string actorId = "user_1", string? actorName = "Ada", string targetType = "team", DateTimeOffset? occurredAt = null)
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = organization,
            Action = action,
            OccurredAt = occurredAt ?? DateTimeOffset.UtcNow,
            Actor = new AuditActor { Type = "user", Id = actorId, Name = actorName },
            Targets = [new AuditTarget { Type = targetType, Id = $"{targetType}_1" }],
            Context = new AuditContext { Location = "127.0.0.1" },
        };
        return new AuditEntry(auditEvent, WorkOsJson.SerializeEvent(auditEvent), [], null);
    }

    private protected static AuditEntry[] Entries(int count) => Enumerable.Range(0, count).Select(_ => Entry()).ToArray();

    private static void Dispose(IAuditLog store) => (store as IDisposable)?.Dispose();
}
