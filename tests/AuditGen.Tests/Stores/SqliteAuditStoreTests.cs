using System.Text;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.Sqlite;
using Microsoft.Data.Sqlite;

namespace AuditGen.Tests.Stores;

public sealed class SqliteAuditStoreTests : IDisposable
{
    private readonly TempDatabase _database = new();

    [Fact]
    public async Task Appended_entries_read_back_in_order_with_their_exact_JSON_and_survive_reopening()
    {
        var entries = StoreEntries.Entries(3);
        using (var store = _database.Open())
        {
            await store.AppendAsync(entries, CancellationToken.None);
        }

        using var reopened = _database.Open();
        await reopened.AppendAsync([StoreEntries.Entry()], CancellationToken.None);
        var read = await reopened.ReadAfterAsync(0, 10, CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4], read.Select(e => e.Sequence));
        Assert.Equal(entries.Select(e => e.Event.Id), read.Take(3).Select(e => e.EventId));
        Assert.Equal(entries.Select(e => Encoding.UTF8.GetString(e.EventJson.Span)), read.Take(3).Select(e => Encoding.UTF8.GetString(e.EventJson.Span)));
        Assert.True((await reopened.VerifyAsync(CancellationToken.None)).IsIntact);
        Assert.Equal([2L, 3], (await reopened.ReadAfterAsync(1, 2, CancellationToken.None)).Select(e => e.Sequence));
    }

    [Fact]
    public async Task Sink_cursors_and_dead_letters_are_kept_per_sink_across_reopening()
    {
        using (var store = _database.Open())
        {
            await store.AppendAsync(StoreEntries.Entries(3), CancellationToken.None);
            Assert.Equal(0, await store.GetSinkCursorAsync("workos", CancellationToken.None));
            await store.SetSinkCursorAsync("workos", 2, CancellationToken.None);
            await store.AddDeadLetterAsync(new AuditDeadLetter("workos", 2, "400 Invalid Audit Log event.", DateTimeOffset.UnixEpoch), CancellationToken.None);
        }

        using var reopened = _database.Open();
        Assert.Equal(2, await reopened.GetSinkCursorAsync("workos", CancellationToken.None));
        Assert.Equal(0, await reopened.GetSinkCursorAsync("splunk", CancellationToken.None));
        var deadLetter = Assert.Single(await reopened.GetDeadLettersAsync("workos", CancellationToken.None));
        Assert.Equal(new AuditDeadLetter("workos", 2, "400 Invalid Audit Log event.", DateTimeOffset.UnixEpoch), deadLetter);
        Assert.Empty(await reopened.GetDeadLettersAsync("splunk", CancellationToken.None));
    }

    [Fact]
    public async Task A_redrive_request_hands_the_dead_letter_back_under_a_fresh_idempotency_key_until_it_is_settled()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        using var store = _database.Open(clock: clock);
        await store.AppendAsync(StoreEntries.Entries(3), CancellationToken.None);
        await store.AddDeadLetterAsync(new AuditDeadLetter("workos", 1, "404 Not Found", DateTimeOffset.UnixEpoch), CancellationToken.None);
        await store.AddDeadLetterAsync(new AuditDeadLetter("workos", 3, "400 Bad Request", DateTimeOffset.UnixEpoch), CancellationToken.None);
        Assert.Empty(await store.ReadRedrivesAsync("workos", 10, CancellationToken.None));

        Assert.Equal(1, await store.RequestRedriveAsync("workos", 3, CancellationToken.None));
        var redrive = Assert.Single(await store.ReadRedrivesAsync("workos", 10, CancellationToken.None));
        Assert.Equal(3, redrive.Sequence);
        Assert.Equal($"{redrive.EventId}.redrive-{clock.Now.ToUnixTimeMilliseconds()}", redrive.IdempotencyKey);
        Assert.Equal(clock.Now, (await store.GetDeadLettersAsync("workos", CancellationToken.None))[1].RedriveRequestedAt);

        // Refused again: the new reason replaces the old one and the request is answered.
        await store.AddDeadLetterAsync(new AuditDeadLetter("workos", 3, "400 Bad Request again", DateTimeOffset.UnixEpoch.AddDays(1)), CancellationToken.None);
        Assert.Empty(await store.ReadRedrivesAsync("workos", 10, CancellationToken.None));
        Assert.Equal(["404 Not Found", "400 Bad Request again"], (await store.GetDeadLettersAsync("workos", CancellationToken.None)).Select(d => d.Reason));

        Assert.Equal(2, await store.RequestRedriveAsync("workos", null, CancellationToken.None));
        Assert.Equal(0, await store.RequestRedriveAsync("splunk", null, CancellationToken.None));
        await store.RemoveDeadLetterAsync("workos", 1, CancellationToken.None);
        Assert.Equal([3L], (await store.GetDeadLettersAsync("workos", CancellationToken.None)).Select(d => d.Sequence));
    }

    [Fact]
    public async Task A_version_1_database_is_migrated_and_keeps_its_dead_letters_once_per_sink_and_record()
    {
        using (var version1 = _database.Tamper())
        {
            version1.Execute("""
                PRAGMA application_id = 1096107079;
                CREATE TABLE audit_events (sequence INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, organization_id TEXT NOT NULL, action TEXT NOT NULL, occurred_at INTEGER NOT NULL,
                    actor_id TEXT NOT NULL, actor_name TEXT, event_json BLOB NOT NULL, adjustments TEXT NOT NULL, rejection TEXT, stored_at INTEGER NOT NULL, hash BLOB NOT NULL);
                CREATE INDEX ix_audit_events_organization_time ON audit_events (organization_id, occurred_at);
                CREATE INDEX ix_audit_events_action ON audit_events (action);
                CREATE INDEX ix_audit_events_actor_id ON audit_events (actor_id);
                CREATE INDEX ix_audit_events_actor_name ON audit_events (actor_name);
                CREATE INDEX ix_audit_events_occurred_at ON audit_events (occurred_at);
                CREATE INDEX ix_audit_events_stored_at ON audit_events (stored_at);
                CREATE TABLE audit_event_targets (type TEXT NOT NULL, sequence INTEGER NOT NULL, PRIMARY KEY (type, sequence)) WITHOUT ROWID;
                CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), sequence INTEGER NOT NULL, hash BLOB NOT NULL, signature BLOB);
                CREATE TABLE audit_checkpoints (id INTEGER PRIMARY KEY, through_sequence INTEGER NOT NULL, through_hash BLOB NOT NULL, purged_count INTEGER NOT NULL, created_at INTEGER NOT NULL, signature BLOB);
                CREATE TABLE audit_sink_cursors (sink TEXT PRIMARY KEY, sequence INTEGER NOT NULL);
                CREATE TABLE audit_dead_letters (id INTEGER PRIMARY KEY, sink TEXT NOT NULL, sequence INTEGER NOT NULL, reason TEXT NOT NULL, dead_lettered_at INTEGER NOT NULL);
                INSERT INTO audit_dead_letters (sink, sequence, reason, dead_lettered_at) VALUES ('workos', 2, 'first', 0), ('workos', 2, 'second', 1), ('logging', 2, 'other', 0);
                PRAGMA user_version = 1;
                """);
        }

        using var store = _database.Open();
        Assert.Equal(["second"], (await store.GetDeadLettersAsync("workos", CancellationToken.None)).Select(d => d.Reason));
        Assert.Equal(["other"], (await store.GetDeadLettersAsync("logging", CancellationToken.None)).Select(d => d.Reason));
        using var check = _database.Tamper();
        using var command = check.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        Assert.Equal((long)SqliteSchema.LatestVersion, command.ExecuteScalar());
    }

    [Fact]
    public async Task A_version_2_database_keeps_its_target_types_through_the_migration_and_still_verifies()
    {
        AuditEntry[] entries =
        [
            StoreEntries.EntryWithTargets("team"),
            StoreEntries.EntryWithTargets("invoice"),
            StoreEntries.EntryWithTargets("team", "team"),
            StoreEntries.EntryWithTargets(),
            StoreEntries.EntryWithTargets("équipe", "team \"a\""),
        ];
        LegacyChainLog.Write(_database.Path, entries);

        // The same records as version 2 laid them out: target types in their own table, one index per filter column.
        SqliteConnection.ClearAllPools();
        using (var version2 = _database.Tamper())
        {
            version2.Execute("""
                CREATE TABLE audit_event_targets (type TEXT NOT NULL, sequence INTEGER NOT NULL, PRIMARY KEY (type, sequence)) WITHOUT ROWID;
                INSERT INTO audit_event_targets (type, sequence) SELECT j.value, e.sequence FROM audit_events e, json_each(e.target_types) j;
                ALTER TABLE audit_events DROP COLUMN target_types;
                CREATE INDEX ix_audit_events_action ON audit_events (action);
                CREATE INDEX ix_audit_events_actor_id ON audit_events (actor_id);
                CREATE INDEX ix_audit_events_actor_name ON audit_events (actor_name);
                CREATE INDEX ix_audit_events_occurred_at ON audit_events (occurred_at);
                PRAGMA user_version = 2;
                """);
        }

        using var migrated = _database.Open();
        async Task<long[]> Sequences(params string[] types) =>
            await migrated.QueryAsync(new AuditQuery { TargetTypes = types }, CancellationToken.None).Select(e => e.Sequence).ToArrayAsync();
        long[][] found = [await Sequences("team"), await Sequences("invoice", "user"), await Sequences("équipe"), await Sequences("team \"a\"")];
        Assert.Equal([[1L, 3], [2L], [5L], [5L]], found);
        Assert.Equal(5, (await migrated.QueryAsync(new AuditQuery(), CancellationToken.None).ToListAsync()).Count);
        var verification = await migrated.VerifyAsync(CancellationToken.None);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(5, verification.RecordsChecked);
    }

    [Fact]
    public async Task A_modified_record_is_reported_at_that_record()
    {
        using var store = await StoreWithAsync(10);
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("UPDATE audit_events SET event_json = replace(event_json, 'team.renamed', 'team.deleted') WHERE sequence = 5");
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Equal(5, verification.FirstBrokenSequence);
        Assert.Equal(4, verification.RecordsChecked);
    }

    [Fact]
    public async Task A_deleted_record_is_reported_where_the_gap_is()
    {
        using var store = await StoreWithAsync(10);
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("DELETE FROM audit_events WHERE sequence = 5");
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.Equal(6, verification.FirstBrokenSequence);
        Assert.Equal("organization 'org_1', record 4: records 4 to 4 of this organization are missing", verification.Problem);
    }

    [Fact]
    public async Task Two_swapped_records_are_reported_at_the_first_of_them()
    {
        using var store = await StoreWithAsync(10);
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("""
                UPDATE audit_events SET sequence = -3 WHERE sequence = 3;
                UPDATE audit_events SET sequence = 3 WHERE sequence = 4;
                UPDATE audit_events SET sequence = 4 WHERE sequence = -3;
                """);
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.Equal(3, verification.FirstBrokenSequence);
    }

    [Fact]
    public async Task An_inserted_record_is_reported_where_it_was_inserted()
    {
        using var store = await StoreWithAsync(10);
        using (var tamper = _database.Tamper())
        {
            // Make room after record 5, then put a copy of record 2 there under a new id.
            tamper.Execute("""
                UPDATE audit_events SET sequence = sequence + 1000 WHERE sequence > 5;
                UPDATE audit_events SET sequence = sequence - 999 WHERE sequence > 1000;
                INSERT INTO audit_events (sequence, event_id, organization_id, action, occurred_at, actor_id, actor_name, event_json, adjustments, rejection, stored_at, hash)
                SELECT 6, '019a0000-0000-7000-8000-000000000000', organization_id, action, occurred_at, actor_id, actor_name, event_json, adjustments, rejection, stored_at, hash FROM audit_events WHERE sequence = 2;
                """);
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.Equal(6, verification.FirstBrokenSequence);
    }

    [Fact]
    public async Task Records_cut_from_the_end_are_caught_by_the_committed_size()
    {
        using var store = await StoreWithAsync(10);
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("DELETE FROM audit_events WHERE sequence > 8");
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Equal(9, verification.FirstBrokenSequence);
        Assert.Contains("records were removed from the end", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_a_signing_key_a_record_rewritten_with_its_leaf_hash_and_every_tree_is_caught_by_the_signature()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var store = await StoreWithAsync(5, key);
        using (var tamper = _database.Tamper())
        {
            // The attacker edits record 5 and recomputes its leaf; the tree rows and the top-level log follow as the
            // integrator would write them. Only the checkpoint's signature cannot follow without the key.
            tamper.Execute("UPDATE audit_events SET actor_id = 'user_2', event_json = replace(event_json, 'user_1', 'user_2') WHERE sequence = 5");
            RecomputeLeafHash(tamper, 5);
            tamper.Execute("UPDATE ledger_checkpoints SET note = replace(note, substr(note, instr(note, char(10)) + 1, 1), '9') WHERE id = (SELECT max(id) FROM ledger_checkpoints)");
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Contains("signature does not verify", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_rewritten_with_its_leaf_hash_no_longer_rebuilds_the_committed_root()
    {
        using var store = await StoreWithAsync(5);
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("UPDATE audit_events SET actor_id = 'user_2', event_json = replace(event_json, 'user_1', 'user_2') WHERE sequence = 3");
            RecomputeLeafHash(tamper, 3);
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Contains("do not rebuild the root the top-level log committed to", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Top_level_entries_cut_below_the_checkpoint_the_witnesses_cosigned_are_caught_by_verify()
    {
        var key = Enumerable.Range(9, 32).Select(i => (byte)i).ToArray();
        using var store = _database.Open(key);
        await store.AppendAsync([StoreEntries.Entry(), StoreEntries.Entry(organization: "org_2")], CancellationToken.None);
        await store.AppendAsync([StoreEntries.Entry(organization: "org_3")], CancellationToken.None);
        var (size, note) = await store.ReadLedgerAsync(static snapshot => Task.FromResult((snapshot.ReadTopLog(out var newest).Size, newest!)), CancellationToken.None);
        await store.KeepWitnessedCheckpointAsync(size, note, CancellationToken.None);
        Assert.True((await store.VerifyAsync(CancellationToken.None)).IsIntact);

        using (var tamper = _database.Tamper())
        {
            tamper.Execute("DELETE FROM ledger_top_leaves WHERE leaf_index = (SELECT max(leaf_index) FROM ledger_top_leaves)");
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Contains($"fewer than the {size} its witnesses cosigned", verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_removes_old_records_leaves_a_signed_checkpoint_and_the_rest_still_verifies()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = _database.Open(key, clock);
        await store.AppendAsync(StoreEntries.Entries(5), CancellationToken.None);
        clock.Now = clock.Now.AddDays(100);
        await store.AppendAsync(StoreEntries.Entries(5), CancellationToken.None);

        var purge = await store.PurgeAsync(clock.Now.AddDays(-30), CancellationToken.None);
        await store.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.Equal(new AuditPurgeResult(5, 5), purge);
        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(5, verification.CheckpointSequence);
        Assert.Equal(7, verification.RecordsChecked);
        Assert.Equal([6L, 7, 8, 9, 10, 11, 12], (await store.ReadAfterAsync(0, 100, CancellationToken.None)).Select(e => e.Sequence));

        // Records deleted by hand behind the purge look like a purge no checkpoint states.
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("""
                INSERT INTO ledger_nodes (tree_id, level, node_index, hash) SELECT 1, 0, partition_index, hash FROM audit_events WHERE sequence = 6;
                DELETE FROM audit_events WHERE sequence = 6;
                UPDATE ledger_trees SET purged_through = 6;
                """);
        }

        var tampered = await store.VerifyAsync(CancellationToken.None);
        Assert.False(tampered.IsIntact);
        Assert.Contains("removed outside retention", tampered.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_purge_a_remaining_record_still_has_an_inclusion_proof_from_the_kept_hashes()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = _database.Open(clock: clock);
        await store.AppendAsync(StoreEntries.Entries(300), CancellationToken.None);
        clock.Now = clock.Now.AddDays(100);
        await store.AppendAsync(StoreEntries.Entries(100), CancellationToken.None);
        Assert.Equal(new AuditPurgeResult(300, 300), await store.PurgeAsync(clock.Now.AddDays(-30), CancellationToken.None));

        // Records 0 to 299 are gone; the proofs of the rest need hashes from the purged band (256 to 299) and the subtree of 0 to 255.
        var (tree, leaves) = await store.ReadLedgerAsync(static snapshot =>
        {
            var tree = snapshot.ReadTrees().Single();
            return Task.FromResult((tree, snapshot.ReadRecords(tree.Partition, 0).ToDictionary(static record => record.PartitionIndex, static record => record.LeafHash)));
        }, CancellationToken.None);
        Assert.Equal((400L, 300L), (tree.Size, tree.PurgedThrough));
        foreach (var index in new long[] { 300, 301, 399 })
        {
            var proof = await store.ReadLedgerAsync(snapshot => Task.FromResult(LedgerProofs.Inclusion(snapshot, tree, index, 400)), CancellationToken.None);
            Assert.True(MerkleProof.VerifyInclusion(index, 400, leaves[index], proof, tree.ToTree().Root()), $"record {index}");
        }
    }

    [Fact]
    public async Task Purge_never_removes_what_a_sink_has_not_delivered()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = _database.Open(clock: clock);
        await store.AppendAsync(StoreEntries.Entries(10), CancellationToken.None);
        await store.SetSinkCursorAsync("workos", 3, CancellationToken.None);

        var purge = await store.PurgeAsync(clock.Now.AddDays(1), CancellationToken.None);

        Assert.Equal(new AuditPurgeResult(3, 3), purge);
        Assert.True((await store.VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task Query_applies_WorkOS_export_filters_and_pages_newest_first()
    {
        var noon = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        using var store = _database.Open();
        await store.AppendAsync(
        [
            StoreEntries.Entry(organization: "org_a", action: "team.renamed", actorId: "u1", actorName: "Ada", targetType: "team", occurredAt: noon.AddHours(-2)),
            StoreEntries.Entry(organization: "org_a", action: "invoice.voided", actorId: "u2", actorName: "Grace", targetType: "invoice", occurredAt: noon),
            StoreEntries.Entry(organization: "org_a", action: "team.renamed", actorId: "u2", actorName: "Grace", targetType: "team", occurredAt: noon.AddHours(2)),
            StoreEntries.Entry(organization: "org_b", action: "team.renamed", actorId: "u1", actorName: "Ada", targetType: "team", occurredAt: noon),
        ], CancellationToken.None);

        async Task<long[]> Sequences(AuditQuery query) => await store.QueryAsync(query, CancellationToken.None).Select(e => e.Sequence).ToArrayAsync();

        Assert.Equal(new long[] { 1L, 2, 3 }, await Sequences(new AuditQuery { OrganizationId = "org_a" }));
        Assert.Equal(new long[] { 2L, 4 }, await Sequences(new AuditQuery { RangeStart = noon, RangeEnd = noon.AddHours(1) }));
        Assert.Equal(new long[] { 2L }, await Sequences(new AuditQuery { Actions = ["invoice.voided"] }));
        Assert.Equal(new long[] { 2L, 3 }, await Sequences(new AuditQuery { ActorNames = ["Grace"] }));
        Assert.Equal(new long[] { 1L, 4 }, await Sequences(new AuditQuery { ActorIds = ["u1"] }));
        Assert.Equal(new long[] { 2L }, await Sequences(new AuditQuery { TargetTypes = ["invoice"] }));
        Assert.Equal(new long[] { 3L, 1 }, await Sequences(new AuditQuery { OrganizationId = "org_a", TargetTypes = ["team"], NewestFirst = true }));
        Assert.Equal(new long[] { 2L, 1 }, await Sequences(new AuditQuery { NewestFirst = true, AfterSequence = 3, Limit = 2 }));
    }

    [Fact]
    public async Task Many_concurrent_writers_and_two_stores_on_one_file_make_one_gapless_verifiable_chain()
    {
        using var first = _database.Open();
        using var second = _database.Open();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var store = writer % 2 == 0 ? first : second;
            for (var batch = 0; batch < 25; batch++)
            {
                await store.AppendAsync(StoreEntries.Entries(4), CancellationToken.None);
            }
        })));

        var all = await first.ReadAfterAsync(0, 10_000, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 800).Select(i => (long)i), all.Select(e => e.Sequence));
        Assert.Equal(800, all.Select(e => e.EventId).Distinct().Count());
        var verification = await second.VerifyAsync(CancellationToken.None);
        Assert.True(verification.IsIntact, verification.Problem);
    }

    [Fact]
    public async Task A_corrupt_file_gets_a_clear_error()
    {
        await File.WriteAllBytesAsync(_database.Path, Encoding.ASCII.GetBytes(new string('x', 8192)));
        using var store = _database.Open();

        var exception = await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(StoreEntries.Entries(1), CancellationToken.None));

        Assert.Contains("is corrupt or is not a SQLite database", exception.Message, StringComparison.Ordinal);
        Assert.Contains(_database.Path, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Damaged_pages_behind_an_intact_header_get_the_same_clear_error_when_read_verified_or_appended()
    {
        using (var store = _database.Open())
        {
            await store.AppendAsync(StoreEntries.Entries(500), CancellationToken.None);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using (var file = new FileStream(_database.Path, FileMode.Open, FileAccess.ReadWrite))
        {
            // Pages 3 to 10 (of 4 KB) hold event rows and index entries; the first page, the header, is left alone.
            Assert.True(file.Length > 12 * 4096, $"the database is only {file.Length} bytes");
            file.Position = 2 * 4096;
            file.Write(Enumerable.Repeat((byte)0xA5, 8 * 4096).ToArray());
        }

        using var damaged = _database.Open();
        var failures = new List<AuditStoreException>
        {
            await Assert.ThrowsAsync<AuditStoreException>(async () => await damaged.VerifyAsync(CancellationToken.None)),
            await Assert.ThrowsAsync<AuditStoreException>(async () => await damaged.QueryAsync(new AuditQuery(), CancellationToken.None).CountAsync()),
            await Assert.ThrowsAsync<AuditStoreException>(async () => await damaged.AppendAsync(StoreEntries.Entries(1), CancellationToken.None)),
        };

        Assert.All(failures, failure => Assert.Contains($"'{_database.Path}' is corrupt or is not a SQLite database", failure.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_applications_database_is_refused()
    {
        using (var other = _database.Tamper())
        {
            other.Execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT)");
        }

        using var store = _database.Open();

        var exception = await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(StoreEntries.Entries(1), CancellationToken.None));

        Assert.Contains("is a SQLite database of another application", exception.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        using var inspect = _database.Tamper();
        using var mode = inspect.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("delete", mode.ExecuteScalar());
        Assert.False(File.Exists(_database.Path + ".batches"));
    }

    [Fact]
    public async Task A_database_from_a_newer_AuditGen_is_refused()
    {
        using (var store = _database.Open())
        {
            await store.AppendAsync(StoreEntries.Entries(1), CancellationToken.None);
        }

        using (var tamper = _database.Tamper())
        {
            tamper.Execute("PRAGMA user_version = 99");
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using var newer = _database.Open();
        var exception = await Assert.ThrowsAsync<AuditStoreException>(async () => await newer.ReadAfterAsync(0, 1, CancellationToken.None));

        Assert.Contains("written by a newer AuditGen", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_that_cannot_be_created_gets_a_clear_error()
    {
        var blocker = Path.Combine(_database.Directory, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "a file where the directory should be");
        using var store = new AuditGen.Stores.Sqlite.SqliteAuditStore(Path.Combine(blocker, "audit.db"), null, TimeProvider.System);

        var exception = await Assert.ThrowsAsync<AuditStoreException>(async () => await store.AppendAsync(StoreEntries.Entries(1), CancellationToken.None));

        Assert.Contains("Cannot create the directory of the audit database", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writing_the_same_event_again_stores_it_once_and_never_wedges_the_writer()
    {
        using var store = _database.Open();
        var entries = StoreEntries.Entries(3);

        await store.AppendAsync(entries, CancellationToken.None);
        await store.AppendAsync([entries[1], .. StoreEntries.Entries(1)], CancellationToken.None);

        Assert.Equal([1L, 2, 3, 4], (await store.ReadAfterAsync(0, 10, CancellationToken.None)).Select(e => e.Sequence));
        Assert.True((await store.VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task A_cut_tail_stays_detected_after_further_appends()
    {
        using var store = await StoreWithAsync(6);
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("DELETE FROM audit_events WHERE sequence > 4");
        }

        await store.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Equal(7, verification.FirstBrokenSequence);
        Assert.Equal("organization 'org_1', record 4: records 4 to 5 of this organization are missing", verification.Problem);
    }

    [Fact]
    public async Task A_rotated_signing_key_signs_from_then_on_and_the_log_verifies_with_its_verifier_key()
    {
        var oldKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var newKey = Enumerable.Range(2, 32).Select(i => (byte)i).ToArray();
        using (var before = await StoreWithAsync(3, oldKey))
        {
        }

        using var after = _database.Open(newKey);
        await after.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
        var verification = await after.VerifyAsync(CancellationToken.None);
        using var withOldVerifier = _database.Open(oldKey);
        var withOld = await withOldVerifier.VerifyAsync(CancellationToken.None);

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(5, verification.RecordsChecked);
        Assert.False(withOld.IsIntact);
        Assert.Contains("signature does not verify", withOld.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_organizations_than_the_integrator_keeps_in_memory_still_make_one_verifiable_log_each()
    {
        // 20,000 organizations, past the 16,384 trees the integrator caches: trees are read back from the file as needed.
        using var store = _database.Open();
        var entries = Enumerable.Range(0, 20_000).Select(i => StoreEntries.Entry(organization: $"org_{i}")).ToArray();
        foreach (var batch in entries.Chunk(500))
        {
            await store.AppendAsync(batch, CancellationToken.None);
        }

        await store.AppendAsync(Enumerable.Range(0, 500).Select(i => StoreEntries.Entry(organization: $"org_{i * 40}")).ToArray(), CancellationToken.None);
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(20_500, verification.RecordsChecked);
        Assert.Equal(20_000L, ReadScalar("SELECT count(*) FROM ledger_trees"));
        Assert.Equal(2L, ReadScalar("SELECT size FROM ledger_trees WHERE partition = 'org_19960'"));
    }

    [Fact]
    public async Task A_round_that_fails_leaves_nothing_behind_and_the_next_one_places_every_record()
    {
        using var store = _database.Open();
        await store.AppendAsync(StoreEntries.Entries(3), CancellationToken.None);
        Assert.Equal(3, await store.CountAsync(new AuditQuery(), CancellationToken.None));
        using (var tamper = _database.Tamper())
        {
            // The round's last write fails, as a full disk would make it: the round rolls back.
            tamper.Execute("CREATE TRIGGER fail_rounds BEFORE UPDATE ON ledger_state BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
        }

        await store.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
        await Assert.ThrowsAsync<AuditStoreException>(() => store.CountAsync(new AuditQuery(), CancellationToken.None));
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("DROP TRIGGER fail_rounds;");
        }

        await store.AppendAsync(StoreEntries.Entries(1), CancellationToken.None);
        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal([1L, 2, 3, 4, 5, 6], (await store.ReadAfterAsync(0, 10, CancellationToken.None)).Select(e => e.Sequence));
        Assert.Equal(6L, ReadScalar("SELECT size FROM ledger_trees WHERE partition = 'org_1'"));
    }

    [Fact]
    public async Task A_batch_file_of_another_log_is_refused_and_one_restored_from_before_never_hides_new_batches()
    {
        var backup = Path.Combine(_database.Directory, "backup.batches");
        using (var first = _database.Open())
        {
            await first.CountAsync(new AuditQuery(), CancellationToken.None);
            SqliteConnection.ClearAllPools();
            File.Copy(_database.Path + ".batches", backup);
            await first.AppendAsync(StoreEntries.Entries(3), CancellationToken.None);
        }

        // The batch file restored from before those appends: new batch ids must still continue after them.
        SqliteConnection.ClearAllPools();
        File.Copy(backup, _database.Path + ".batches", overwrite: true);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            File.Delete(_database.Path + ".batches" + suffix);
        }

        using (var second = _database.Open())
        {
            await second.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
            Assert.Equal(5, await second.CountAsync(new AuditQuery(), CancellationToken.None));
        }

        SqliteConnection.ClearAllPools();
        var otherLog = new TempDatabase();
        using (var other = otherLog.Open())
        {
            await other.AppendAsync(StoreEntries.Entries(1), CancellationToken.None);
        }

        SqliteConnection.ClearAllPools();
        File.Copy(otherLog.Path + ".batches", _database.Path + ".batches", overwrite: true);
        foreach (var suffix in new[] { "-wal", "-shm" })
        {
            File.Delete(_database.Path + ".batches" + suffix);
        }

        otherLog.Dispose();
        using var mismatched = _database.Open();
        var exception = await Assert.ThrowsAsync<AuditStoreException>(async () => await mismatched.AppendAsync(StoreEntries.Entries(1), CancellationToken.None));
        Assert.Contains("holds batches of another audit log", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_instance_without_the_key_integrates_but_leaves_checkpoints_to_one_that_has_it()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using (var signed = await StoreWithAsync(2, key))
        {
        }

        var signedCheckpoints = ReadScalar("SELECT count(*) FROM ledger_checkpoints");
        using (var keyless = _database.Open())
        {
            await keyless.AppendAsync(StoreEntries.Entries(1), CancellationToken.None);
            Assert.Equal(3, await keyless.CountAsync(new AuditQuery(), CancellationToken.None));
            await Assert.ThrowsAsync<AuditStoreException>(() => keyless.PurgeAsync(DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None));
        }

        Assert.Equal(signedCheckpoints, ReadScalar("SELECT count(*) FROM ledger_checkpoints"));
        using var keyed = _database.Open(key);
        await keyed.AppendAsync(StoreEntries.Entries(1), CancellationToken.None);
        var verification = await keyed.VerifyAsync(CancellationToken.None);

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(4, verification.RecordsChecked);
        Assert.Equal(4L, ReadScalar("SELECT checkpointed_size FROM ledger_trees WHERE partition = 'org_1'"));
    }

    [Fact]
    public async Task With_a_signing_key_an_emptied_log_does_not_verify()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var store = await StoreWithAsync(3, key);
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("DELETE FROM audit_events; DELETE FROM ledger_trees; DELETE FROM ledger_nodes; DELETE FROM ledger_top_leaves; DELETE FROM ledger_checkpoints; UPDATE ledger_state SET top_size = 0, top_edge = x'';");
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.False(verification.IsIntact);
        Assert.Equal("the log has no checkpoint: its checkpoints were removed", verification.Problem);
    }

    [Fact]
    public async Task An_edited_indexed_column_is_caught_even_though_the_hashed_JSON_is_untouched()
    {
        using var store = await StoreWithAsync(4);
        using (var tamper = _database.Tamper())
        {
            tamper.Execute("UPDATE audit_events SET actor_id = 'someone_else' WHERE sequence = 2");
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.Equal(2, verification.FirstBrokenSequence);
        Assert.Contains("'actor_id'", verification.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'[\"invoice\"]'")]
    [InlineData("'[]'")]
    [InlineData("'not json'")]
    public async Task Edited_target_types_are_caught_even_though_the_hashed_JSON_is_untouched(string storedTypes)
    {
        using var store = await StoreWithAsync(4);
        using (var tamper = _database.Tamper())
        {
            tamper.Execute($"UPDATE audit_events SET target_types = {storedTypes} WHERE sequence = 3");
        }

        var verification = await store.VerifyAsync(CancellationToken.None);

        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Contains("'target_types'", verification.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("UPDATE audit_events SET event_json = replace(event_json, 'team.renamed', 'team.deleted') WHERE sequence = 2", "record 1 of organization 'org_1' no longer matches the log")]
    [InlineData("UPDATE audit_events SET hash = zeroblob(32) WHERE sequence = 2", "record 1 of organization 'org_1' no longer matches the log")]
    [InlineData("DELETE FROM audit_events WHERE sequence = 3", "record 2 of organization 'org_1' no longer matches the log")]
    public async Task Purge_refuses_to_remove_records_that_no_longer_match_the_log(string tampering, string problem)
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = _database.Open(clock: clock);
        await store.AppendAsync(StoreEntries.Entries(5), CancellationToken.None);
        Assert.Equal(5, await store.CountAsync(new AuditQuery(), CancellationToken.None));
        using (var tamper = _database.Tamper())
        {
            tamper.Execute(tampering);
        }

        var exception = await Assert.ThrowsAsync<AuditStoreException>(() => store.PurgeAsync(clock.Now.AddDays(1), CancellationToken.None));

        Assert.Contains(problem, exception.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was purged", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0L, ReadScalar("SELECT purged_through FROM ledger_trees WHERE partition = 'org_1'"));
    }

    [Fact]
    public async Task Purge_refuses_a_whole_band_whose_leaf_hashes_were_rewritten_with_the_records()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = _database.Open(clock: clock);
        await store.AppendAsync(StoreEntries.Entries(300), CancellationToken.None);
        Assert.Equal(300, await store.CountAsync(new AuditQuery(), CancellationToken.None));
        using (var tamper = _database.Tamper())
        {
            // Record 10 edited and its leaf recomputed: it matches its own leaf, not the band's stored subtree.
            tamper.Execute("UPDATE audit_events SET actor_id = 'user_2', event_json = replace(event_json, 'user_1', 'user_2') WHERE sequence = 11");
            RecomputeLeafHash(tamper, 11);
        }

        var exception = await Assert.ThrowsAsync<AuditStoreException>(() => store.PurgeAsync(clock.Now.AddDays(1), CancellationToken.None));

        Assert.Contains("records 0 to 255 of organization 'org_1' no longer match the log's stored subtree", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_chain_written_by_the_previous_version_is_sealed_under_the_ledger_and_both_parts_verify()
    {
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        LegacyChainLog.Write(_database.Path, StoreEntries.Entries(4), key);

        using var store = _database.Open(key);
        await store.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
        var verification = await store.VerifyAsync(CancellationToken.None);
        var note = ReadScalar("SELECT note FROM ledger_checkpoints ORDER BY id DESC LIMIT 1") as string;

        Assert.True(verification.IsIntact, verification.Problem);
        Assert.Equal(6, verification.RecordsChecked);
        Assert.Equal([1L, 2, 3, 4, 5, 6], (await store.ReadAfterAsync(0, 10, CancellationToken.None)).Select(e => e.Sequence));
        Assert.Contains("\nsealed-chain 4 ", note!.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        using (var tamper = _database.Tamper())
        {
            tamper.Execute("UPDATE audit_events SET event_json = replace(event_json, 'team.renamed', 'team.deleted') WHERE sequence = 2");
        }

        var broken = await store.VerifyAsync(CancellationToken.None);
        Assert.Equal(2, broken.FirstBrokenSequence);
        Assert.StartsWith("in the chain sealed under the ledger:", broken.Problem, StringComparison.Ordinal);
    }

    /// <summary>Gives a record the leaf hash of what it now holds, as someone covering an edit would.</summary>
    private static void RecomputeLeafHash(SqliteConnection tamper, long sequence)
    {
        using var read = tamper.CreateCommand();
        read.CommandText = "SELECT stored_at, partition_index, event_id, organization_id, action, event_json, adjustments FROM audit_events WHERE sequence = $sequence";
        read.Parameters.AddWithValue("$sequence", sequence);
        byte[] forged;
        using (var reader = read.ExecuteReader())
        {
            reader.Read();
            forged = LedgerLeaf.Hash(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetFieldValue<byte[]>(5), reader.GetString(6), null);
        }

        using var write = tamper.CreateCommand();
        write.CommandText = "UPDATE audit_events SET hash = $hash WHERE sequence = $sequence";
        write.Parameters.AddWithValue("$hash", forged);
        write.Parameters.AddWithValue("$sequence", sequence);
        write.ExecuteNonQuery();
    }

    private object? ReadScalar(string sql)
    {
        using var connection = _database.Tamper();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public async Task A_read_only_store_reads_and_verifies_but_never_writes_or_creates()
    {
        using (var writer = _database.Open())
        {
            await writer.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
        }

        using var reader = new AuditGen.Stores.Sqlite.SqliteAuditStore(_database.Path, null, TimeProvider.System, readOnly: true);
        using var missing = new AuditGen.Stores.Sqlite.SqliteAuditStore(Path.Combine(_database.Directory, "absent.db"), null, TimeProvider.System, readOnly: true);

        Assert.True((await reader.VerifyAsync(CancellationToken.None)).IsIntact);
        await Assert.ThrowsAsync<AuditStoreException>(async () => await reader.AppendAsync(StoreEntries.Entries(1), CancellationToken.None));
        await Assert.ThrowsAsync<AuditStoreException>(() => missing.VerifyAsync(CancellationToken.None));
        Assert.False(File.Exists(Path.Combine(_database.Directory, "absent.db")));
    }

    public void Dispose() => _database.Dispose();

    private async Task<AuditGen.Stores.Sqlite.SqliteAuditStore> StoreWithAsync(int count, byte[]? key = null)
    {
        var store = _database.Open(key);
        foreach (var entry in StoreEntries.Entries(count))
        {
            // A read integrates what was appended, so each record gets a checkpoint of its own and a report can name it.
            await store.AppendAsync([entry], CancellationToken.None);
            await store.CountAsync(new AuditQuery(), CancellationToken.None);
        }

        Assert.True((await store.VerifyAsync(CancellationToken.None)).IsIntact);
        return store;
    }
}
