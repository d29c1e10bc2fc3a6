using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AuditGen.Events;
using AuditGen.Ledger;
using AuditGen.Stores.Sqlite;
using AuditGen.Tests.Cli;
using AuditGen.WorkOsEmulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Data.Sqlite;

namespace AuditGen.Cli.Tests;

public sealed class CliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("auditgen-cli-").FullName;

    private string Database => Path.Combine(_directory, "audit.db");

    [Fact]
    public async Task Verify_reports_an_intact_chain_with_exit_code_0_and_a_broken_one_with_1_and_the_record()
    {
        await SeedAsync(5);

        var intact = await RunAsync("verify", "--db", Database);
        using (var tamper = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            tamper.Open();
            using var command = tamper.CreateCommand();
            command.CommandText = "UPDATE audit_events SET organization_id = 'org_evil' WHERE sequence = 3";
            command.ExecuteNonQuery();
        }

        var broken = await RunAsync("verify", "--db", Database);

        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("intact", intact.Output, StringComparison.Ordinal);
        Assert.Contains("not checked (no --verifier-key)", intact.Output, StringComparison.Ordinal);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("broken", broken.Output, StringComparison.Ordinal);
        Assert.Matches(@"first broken record\s*│\s*3\s", broken.Output);
    }

    [Fact]
    public async Task A_proven_export_verifies_with_the_log_key_and_a_filtered_one_only_when_accepted_as_filtered()
    {
        var keys = await RunAsync("keys", "generate", "--name", "example.com/audit");
        var signingKey = Regex.Match(keys.Output, @"signing key:\s+(\S+)").Groups[1].Value;
        var verifierKey = Regex.Match(keys.Output, @"verifier key:\s+(\S+)").Groups[1].Value;
        await SeedAsync(3, signingKey: signingKey, action: "user.signed_in");
        await SeedAsync(2, signingKey: signingKey, action: "team.renamed");
        var whole = Path.Combine(_directory, "whole.proof.jsonl");
        var filtered = Path.Combine(_directory, "filtered.proof.jsonl");
        var newer = Path.Combine(_directory, "newer.proof.jsonl");

        var exported = await RunAsync("export", "--db", Database, "--organization", "org_1", "--proof", "--verifier-key", verifierKey, "--out", whole);
        await RunAsync("export", "--db", Database, "--organization", "org_1", "--proof", "--action", "team.renamed", "--out", filtered);
        await SeedAsync(1, signingKey: signingKey);
        await RunAsync("export", "--db", Database, "--organization", "org_1", "--proof", "--extends", whole, "--out", newer);
        var verified = await RunAsync("verify-export", whole, "--key", verifierKey);
        var filteredRefused = await RunAsync("verify-export", filtered, "--key", verifierKey);
        var filteredAccepted = await RunAsync("verify-export", filtered, "--key", verifierKey, "--filtered");
        var extends = await RunAsync("verify-export", newer, "--key", verifierKey, "--previous", whole);
        var paged = await RunAsync("export", "--db", Database, "--organization", "org_1", "--proof", "--limit", "2");

        Assert.True(exported.ExitCode == 0, exported.Output + exported.Errors);
        Assert.Contains("Wrote 5 records of organization org_1", Regex.Replace(exported.Output, @"\s+", " "), StringComparison.Ordinal);
        Assert.Equal(0, verified.ExitCode);
        Assert.Matches(@"records verified\s*│\s*5\s", verified.Output);
        Assert.Contains($"\"log_key\":\"{verifierKey}\"", (await File.ReadAllLinesAsync(whole))[0], StringComparison.Ordinal);
        Assert.Equal(1, filteredRefused.ExitCode);
        Assert.Contains("the export is filtered", Regex.Replace(filteredRefused.Output, @"\s+", " "), StringComparison.Ordinal);
        Assert.Equal(0, filteredAccepted.ExitCode);
        Assert.Matches(@"records verified\s*│\s*2\s", filteredAccepted.Output);
        Assert.True(extends.ExitCode == 0, extends.Output);
        Assert.Contains("yes", extends.Output, StringComparison.Ordinal);
        Assert.Equal(2, paged.ExitCode);
    }

    [Fact]
    public async Task Keys_generate_makes_a_key_pair_whose_verifier_key_checks_the_checkpoints_the_signing_key_signs()
    {
        var keys = await RunAsync("keys", "generate", "--name", "example.com/audit");
        var signingKey = Regex.Match(keys.Output, @"signing key:\s+(\S+)").Groups[1].Value;
        var verifierKey = Regex.Match(keys.Output, @"verifier key:\s+(\S+)").Groups[1].Value;
        var otherVerifierKey = Regex.Match((await RunAsync("keys", "generate", "--name", "example.com/audit")).Output, @"verifier key:\s+(\S+)").Groups[1].Value;
        await SeedAsync(3, signingKey: signingKey);

        var checkedWithItsKey = await RunAsync("verify", "--db", Database, "--verifier-key", verifierKey);
        var checkedWithAnother = await RunAsync("verify", "--db", Database, "--verifier-key", otherVerifierKey);
        var purgedWithoutKey = await RunAsync("purge", "--db", Database, "--older-than", "00:00:01");

        Assert.Equal(0, keys.ExitCode);
        Assert.StartsWith("PRIVATE+KEY+example.com/audit+", signingKey, StringComparison.Ordinal);
        Assert.StartsWith("example.com/audit+", verifierKey, StringComparison.Ordinal);
        Assert.Equal(0, checkedWithItsKey.ExitCode);
        Assert.Contains("checked", checkedWithItsKey.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not checked", checkedWithItsKey.Output, StringComparison.Ordinal);
        Assert.Equal(1, checkedWithAnother.ExitCode);
        Assert.Contains("signature", checkedWithAnother.Output, StringComparison.Ordinal);
        Assert.Equal(3, purgedWithoutKey.ExitCode);
        Assert.Contains("signing key", purgedWithoutKey.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_generate_witness_makes_a_cosigning_key_pair_that_is_no_log_key()
    {
        var keys = await RunAsync("keys", "generate", "--witness", "--name", "witness.example.org/w1");
        var signingKey = Regex.Match(keys.Output, @"signing key:\s+(\S+)").Groups[1].Value;
        var verifierKey = Regex.Match(keys.Output, @"verifier key:\s+(\S+)").Groups[1].Value;

        Assert.Equal(0, keys.ExitCode);
        Assert.True(Cosigner.TryParse(signingKey, out var cosigner, out var problem), problem);
        Assert.True(CosignatureVerifier.TryParse(verifierKey, out var verifier, out problem), problem);
        using (cosigner)
        {
            const string Checkpoint = "example.com/audit\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
            Assert.Equal(1_764_000_000, verifier!.Verify(Checkpoint, [cosigner!.CosignatureLine(Checkpoint, 1_764_000_000).TrimEnd('\n')])?.Timestamp);
        }

        // A witness key is of another type than a log's: neither is taken for the other.
        Assert.False(NoteSigner.TryParse(signingKey, out _, out _));
        await SeedAsync(1);
        var asLogKey = await RunAsync("verify", "--db", Database, "--verifier-key", verifierKey);
        Assert.Equal(2, asLogKey.ExitCode);
        Assert.Contains("type 0x01", asLogKey.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_a_stopped_process_committed_but_did_not_integrate_are_announced_then_integrated_by_the_next_writer()
    {
        await SeedAsync(2);

        // A process that committed a batch and was killed before integrating it leaves the batch in the batch file.
        var entries = Enumerable.Range(0, 3).Select(i => new LedgerEntry(
            AuditEventId.New().ToString(), "org_1", "user.signed_in", 1_764_000_000_000, "user_1", null, [], Encoding.UTF8.GetBytes("""{"action":"user.signed_in","occurred_at":"2025-11-24T16:00:00.000Z","actor":{"type":"user","id":"user_1"},"targets":[],"context":{"location":"127.0.0.1"}}"""), "", null)).ToArray();
        var (batch, length) = LedgerBatch.EncodeRented(entries);
        using (var crashed = new SqliteConnection($"Data Source={Database}.batches;Pooling=False"))
        {
            crashed.Open();
            using var insert = crashed.CreateCommand();
            insert.CommandText = "INSERT INTO ledger_batches (entries, sequenced_at) VALUES ($entries, 1764000000000)";
            insert.Parameters.AddWithValue("$entries", batch.AsSpan(0, length).ToArray());
            insert.ExecuteNonQuery();
        }

        LedgerBatch.Return(batch);
        var before = await RunAsync("stats", "--db", Database);
        var verified = await RunAsync("verify", "--db", Database, "--read-only");
        using (var writer = Open())
        {
            Assert.Equal(5, await writer.CountAsync(new AuditGen.Pipeline.AuditQuery(), CancellationToken.None));
        }

        var after = await RunAsync("stats", "--db", Database);

        Assert.Contains("3 committed events are not in the log yet", before.Output, StringComparison.Ordinal);
        Assert.Contains("2 records, last sequence 2", before.Output, StringComparison.Ordinal);
        Assert.Equal(0, verified.ExitCode);
        Assert.Contains("3 committed events are not in the log yet", verified.Output, StringComparison.Ordinal);
        Assert.Contains("this access was not recorded in the audit log: --read-only was given", verified.Errors, StringComparison.Ordinal);
        Assert.StartsWith("5 records, last sequence 5", after.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not in the log yet", after.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_commands_record_their_access_unless_read_only_and_a_read_only_run_changes_nothing()
    {
        await SeedAsync(2, organization: "org_a");
        using (var store = Open())
        {
            Assert.Equal(2, await store.CountAsync(new AuditGen.Pipeline.AuditQuery(), CancellationToken.None));
        }

        var hash = Hash(Database);
        var batches = Hash(Database + ".batches");
        var readOnlyExport = await RunAsync("export", "--db", Database, "--organization", "org_a", "--format", "jsonlines", "--read-only");
        var readOnlyVerify = await RunAsync("verify", "--db", Database, "--read-only");

        Assert.Equal(0, readOnlyExport.ExitCode);
        Assert.Equal(2, readOnlyExport.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("this access was not recorded in the audit log: --read-only was given", readOnlyExport.Errors, StringComparison.Ordinal);
        Assert.Equal(0, readOnlyVerify.ExitCode);
        Assert.Equal((hash, batches), (Hash(Database), Hash(Database + ".batches")));

        // Recorded reads leave the log as it was too: their records wait in the batch file for the application.
        var export = await RunAsync("export", "--db", Database, "--organization", "org_a", "--format", "jsonlines");
        var verify = await RunAsync("verify", "--db", Database);

        Assert.Equal(0, export.ExitCode);
        Assert.Equal("", export.Errors);
        Assert.Equal(0, verify.ExitCode);
        Assert.Equal(hash, Hash(Database));
        Assert.NotEqual(batches, Hash(Database + ".batches"));
        using var log = Open();
        var records = await log.ReadAfterAsync(0, 10, CancellationToken.None);
        Assert.Equal(["user.signed_in", "user.signed_in", "audit_log.exported", "audit_log.verified"], records.Select(r => r.Action));
        Assert.Equal(("org_a", ""), (records[2].OrganizationId, records[3].OrganizationId));
        var exported = JsonNode.Parse(records[2].EventJson.Span)!;
        Assert.Equal(("operating_system_user", OperatingSystemUser), ((string?)exported["actor"]!["type"], (string?)exported["actor"]!["id"]));
        Assert.Equal(("audit_log", "org_a"), ((string?)exported["targets"]![0]!["type"], (string?)exported["targets"]![0]!["id"]));
        Assert.Equal(Environment.MachineName, (string?)exported["context"]!["location"]);
    }

    [Fact]
    public async Task A_copy_without_its_batch_file_is_read_and_says_that_the_access_could_not_be_recorded()
    {
        await SeedAsync(2);
        var copy = Path.Combine(_directory, "evidence.db");
        using (var store = Open())
        {
            Assert.Equal(2, await store.CountAsync(new AuditGen.Pipeline.AuditQuery(), CancellationToken.None));
        }

        File.Copy(Database, copy);
        var hash = Hash(copy);

        var export = await RunAsync("export", "--db", copy, "--format", "jsonlines");

        Assert.Equal(0, export.ExitCode);
        Assert.Equal(2, export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains($"auditgen: this access was not recorded in the audit log: '{copy}.batches' cannot be written", export.Errors, StringComparison.Ordinal);
        Assert.Equal(hash, Hash(copy));
        Assert.False(File.Exists(copy + ".batches"));
    }

    [Fact]
    public async Task Stats_counts_per_action_and_shows_sink_state()
    {
        await SeedAsync(3, action: "user.signed_in");
        await SeedAsync(2, action: "team.renamed");
        using (var store = Open())
        {
            await store.GetSinkCursorAsync("workos", CancellationToken.None);
            await store.SetSinkCursorAsync("workos", 4, CancellationToken.None);
        }

        var stats = await RunAsync("stats", "--db", Database);

        Assert.Equal(0, stats.ExitCode);
        Assert.Contains("5 records, last sequence 5", stats.Output, StringComparison.Ordinal);
        Assert.Matches(@"user\.signed_in\s*│\s*3", stats.Output);
        Assert.Matches(@"team\.renamed\s*│\s*2", stats.Output);
        Assert.Matches(@"workos\s*│\s*4\s*│\s*1\s*│\s*0", stats.Output);
    }

    [Fact]
    public async Task Export_writes_filtered_csv_to_a_file_and_jsonlines_to_standard_output()
    {
        await SeedAsync(3, organization: "org_a");
        await SeedAsync(2, organization: "org_b");
        var csv = Path.Combine(_directory, "audit.csv");

        var toFile = await RunAsync("export", "--db", Database, "--organization", "org_b", "--format", "csv", "--out", csv);
        var toStdout = await RunAsync("export", "--db", Database, "--organization", "org_a", "--format", "jsonlines");

        Assert.Equal(0, toFile.ExitCode);
        Assert.Contains("Wrote 2 records", toFile.Output, StringComparison.Ordinal);
        var lines = (await File.ReadAllTextAsync(csv)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("id,occurred_at,organization_id,action", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), line => Assert.Contains(",org_b,", line, StringComparison.Ordinal));
        Assert.Equal(0, toStdout.ExitCode);
        Assert.Equal(3, toStdout.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task Export_pages_with_limit_and_after_and_says_where_the_next_page_starts()
    {
        await SeedAsync(5);

        var first = await RunAsync("export", "--db", Database, "--format", "jsonlines", "--limit", "2");
        var last = await RunAsync("export", "--db", Database, "--format", "jsonlines", "--limit", "2", "--after", "4");

        Assert.Equal(2, first.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("auditgen: more records follow; continue with --after 2", first.Errors.Trim());

        Assert.Single(last.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("", last.Errors);
    }

    [Fact]
    public async Task Purge_removes_old_records_and_the_chain_still_verifies()
    {
        await SeedAsync(4);

        var refused = await RunAsync("purge", "--db", Database, "--older-than", "00:00:00");
        var purge = await RunAsync("purge", "--db", Database, "--older-than", "00:00:00.001");
        var verify = await RunAsync("verify", "--db", Database);

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--older-than must be a positive time span", refused.Errors, StringComparison.Ordinal);
        Assert.Equal(0, purge.ExitCode);
        Assert.Contains("Removed 4 records, through sequence 4.", purge.Output, StringComparison.Ordinal);
        Assert.Equal(0, verify.ExitCode);
        using var log = Open();
        var records = await log.ReadAfterAsync(0, 10, CancellationToken.None);
        Assert.Equal(["audit_log.purged", "audit_log.verified"], records.Select(r => r.Action));
        Assert.Equal(OperatingSystemUser, (string?)JsonNode.Parse(records[0].EventJson.Span)!["actor"]!["id"]);
    }

    [Fact]
    public async Task Errors_are_one_readable_line_with_their_exit_code_and_help_has_examples()
    {
        var missing = await RunAsync("verify", "--db", Path.Combine(_directory, "nope.db"));
        var usage = await RunAsync("verify");
        await File.WriteAllTextAsync(Database, new string('x', 5000));
        var corrupt = await RunAsync("stats", "--db", Database);
        var help = await RunAsync("export", "--help");
        var twoMistakes = await RunAsync("export", "--db", Database, "--format", "xml", "--limit", "many");
        var badDate = await RunAsync("export", "--db", Database, "--range-start", "yesterday");
        var directory = await RunAsync("stats", "--db", _directory);
        var corruptToStdout = await RunAsync("export", "--db", Database, "--format", "csv");
        var unknownCommand = await RunAsync("frob");
        var noCommand = await RunAsync();

        Assert.Equal(3, missing.ExitCode);
        Assert.Equal($"auditgen: '{Path.Combine(_directory, "nope.db")}' does not exist.", missing.Errors.Trim());
        Assert.Equal(2, usage.ExitCode);
        Assert.Equal("auditgen: Name the audit log: --db FILE (SQLite), or --postgres CONNECTION or $AUDITGEN_POSTGRES (PostgreSQL). (see auditgen --help)", usage.Errors.Trim());
        Assert.Equal(3, directory.ExitCode);
        Assert.Equal($"auditgen: '{_directory}' is a directory; --db names the audit database file in it (AuditGen:Sqlite:Path, e.g. {Path.Combine(_directory, "auditgen.db")}).", directory.Errors.Trim());
        Assert.Equal(3, corruptToStdout.ExitCode);
        Assert.Equal("", corruptToStdout.Output);
        Assert.Contains("is corrupt or is not a SQLite database", corruptToStdout.Errors, StringComparison.Ordinal);
        Assert.Equal(3, corrupt.ExitCode);
        Assert.Single(corrupt.Errors.Trim().Split('\n'));
        Assert.Contains("is corrupt or is not a SQLite database", corrupt.Errors, StringComparison.Ordinal);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("Examples:", help.Output, StringComparison.Ordinal);
        Assert.Equal(2, twoMistakes.ExitCode);
        Assert.Equal("auditgen: --format takes one of csv, json, jsonlines (was 'xml'). --limit takes a whole number (was 'many'). (see auditgen --help)", twoMistakes.Errors.Trim());
        Assert.Equal((2, "auditgen: --range-start takes a date and time, such as 2026-11-22T09:30:00Z (was 'yesterday'). (see auditgen --help)"), (badDate.ExitCode, badDate.Errors.Trim()));
        Assert.Equal((2, "auditgen: Unrecognized command or argument 'frob'. (see auditgen --help)"), (unknownCommand.ExitCode, unknownCommand.Errors.Trim()));
        Assert.Equal((2, "auditgen: Name a command: export, verify, tail, stats, purge, dead-letters or schemas. (see auditgen --help)"), (noCommand.ExitCode, noCommand.Errors.Trim()));
    }

    [Fact]
    public async Task Tail_prints_the_newest_records_then_follows_new_ones()
    {
        await SeedAsync(3);
        using var tail = Start("tail", "--db", Database, "--last", "2", "--interval", "00:00:00.100");
        var lines = new List<string>();
        var reader = Task.Run(async () =>
        {
            while (await tail.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (lines)
                {
                    lines.Add(line);
                }
            }
        });

        await WaitForAsync(() => Count(lines) == 2);
        await SeedAsync(1, action: "team.deleted");

        await WaitForAsync(() => Printed(lines, "team.deleted"));
        tail.Kill();
        await reader;

        Assert.All(lines, line => Assert.StartsWith("{\"organization_id\":", line, StringComparison.Ordinal));
        Assert.Contains(lines.Skip(2), line => line.Contains("\"action\":\"team.deleted\"", StringComparison.Ordinal));

        // Its access is recorded, for the application to place in the log.
        using var log = Open();
        var viewed = (await log.ReadAfterAsync(0, 10, CancellationToken.None)).Single(record => record.Action == "audit_log.viewed");
        Assert.Equal(OperatingSystemUser, (string?)JsonNode.Parse(viewed.EventJson.Span)!["actor"]!["id"]);
    }

    [Fact]
    public async Task Dead_letters_are_listed_with_their_reason_redriven_by_the_running_application_or_discarded_keeping_the_record()
    {
        await SeedAsync(3, action: "invoice.created");
        using (var store = Open())
        {
            await store.AddDeadLetterAsync(new AuditGen.Pipeline.AuditDeadLetter("workos", 2, "404 Not Found: Organization not found: 'org_1'.", DateTimeOffset.UnixEpoch), CancellationToken.None);
            await store.GetSinkCursorAsync("workos", CancellationToken.None);
        }

        var list = await RunAsync("dead-letters", "list", "--db", Database);
        var ambiguous = await RunAsync("dead-letters", "redrive", "--db", Database, "--sink", "workos");
        var redrive = await RunAsync("dead-letters", "redrive", "--db", Database, "--sink", "workos", "--sequence", "2");
        var listed = await RunAsync("dead-letters", "list", "--db", Database, "--sink", "workos");

        Assert.True(list.ExitCode == 0, list.Output + list.Errors);
        Assert.Contains("1 dead letters", list.Output, StringComparison.Ordinal);
        Assert.Matches(@"workos\s*│\s*2\s*│\s*invoice\.created", list.Output);
        Assert.Matches(@"\nworkos #2 [0-9a-f-]{36}: 404 Not Found: Organization not found: 'org_1'\.\n", list.Output);
        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("Name one record with --sequence, or pass --all.", ambiguous.Errors, StringComparison.Ordinal);
        Assert.Equal(0, redrive.ExitCode);
        Assert.Contains("Asked sink 'workos' to deliver 1 dead letters again.", redrive.Output, StringComparison.Ordinal);
        Assert.Matches(@"workos\s*│\s*2\s*│.*│\s*requested ", listed.Output);
        using (var reopened = Open())
        {
            Assert.Equal([2L], (await reopened.ReadRedrivesAsync("workos", 10, CancellationToken.None)).Select(e => e.Sequence));
        }

        var unknown = await RunAsync("dead-letters", "discard", "--db", Database, "--sink", "workos", "--sequence", "3");
        var discard = await RunAsync("dead-letters", "discard", "--db", Database, "--sink", "workos", "--sequence", "2");
        var after = await RunAsync("dead-letters", "list", "--db", Database);

        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("Sink 'workos' has no dead letter for record 3", unknown.Errors, StringComparison.Ordinal);
        Assert.Equal(0, discard.ExitCode);
        Assert.Contains("0 dead letters", after.Output, StringComparison.Ordinal);

        // The records stay; the redrive and the discard are recorded in the log's system partition, by this user.
        using var log = Open();
        var records = await log.ReadAfterAsync(0, 10, CancellationToken.None);
        Assert.Equal(["invoice.created", "invoice.created", "invoice.created", "audit_log_dead_letters.redriven", "audit_log_dead_letter.discarded"], records.Select(r => r.Action));
        Assert.All(records.Skip(3), record =>
        {
            Assert.Equal("", record.OrganizationId);
            var actor = JsonNode.Parse(record.EventJson.Span)!["actor"]!;
            Assert.Equal(("operating_system_user", OperatingSystemUser), ((string?)actor["type"], (string?)actor["id"]));
        });
    }

    [Fact]
    public async Task Schemas_export_writes_one_request_per_action_and_push_creates_them_in_WorkOS_and_prints_the_versions()
    {
        var catalog = Path.Combine(_directory, "auditgen.workos-schemas.json");
        await File.WriteAllTextAsync(catalog, """
            {"invoice.created":{"targets":[{"type":"invoice"}],"metadata":{"type":"object","properties":{"status_code":{"type":"number"}}}},
             "user.signed_in":{"targets":[{"type":"user"}]}}
            """);
        await using var emulator = await StartEmulatorAsync();

        var export = await RunAsync("schemas", "export", "--catalog", catalog, "--out", Path.Combine(_directory, "schemas"));
        var withoutKey = await RunAsync("schemas", "push", "--catalog", catalog, "--base-url", emulator.Url);
        var push = await RunAsync(new Dictionary<string, string> { ["WORKOS_API_KEY"] = EmulatorKey }, "schemas", "push", "--catalog", catalog, "--base-url", emulator.Url);
        var again = await RunAsync(new Dictionary<string, string> { ["WORKOS_API_KEY"] = EmulatorKey }, "schemas", "push", "--catalog", catalog, "--base-url", emulator.Url);
        var wrongKey = await RunAsync(new Dictionary<string, string> { ["WORKOS_API_KEY"] = "sk_wrong" }, "schemas", "push", "--catalog", catalog, "--base-url", emulator.Url);
        var nobodyListening = $"http://127.0.0.1:{FreePort()}";
        var unreachable = await RunAsync(new Dictionary<string, string> { ["WORKOS_API_KEY"] = EmulatorKey }, "schemas", "push", "--catalog", catalog, "--base-url", nobodyListening);

        Assert.True(export.ExitCode == 0, export.Errors);
        var written = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, "schemas", "invoice.created.json")))!;
        Assert.Equal("invoice", (string?)written["targets"]![0]!["type"]);
        Assert.True(File.Exists(Path.Combine(_directory, "schemas", "user.signed_in.json")));
        Assert.Equal(2, withoutKey.ExitCode);
        Assert.Contains("Set WORKOS_API_KEY", withoutKey.Errors, StringComparison.Ordinal);
        Assert.True(push.ExitCode == 0, push.Errors);
        Assert.Matches(@"invoice\.created\s*│\s*1\s*│\s*201", push.Output);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("\"invoice.created\": 2", again.Output, StringComparison.Ordinal);
        Assert.Contains("\"user.signed_in\": 2", again.Output, StringComparison.Ordinal);
        Assert.Equal(4, wrongKey.ExitCode);
        Assert.StartsWith("auditgen: WorkOS refused the API key: 401 Unauthorized", wrongKey.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("SchemaVersions", wrongKey.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_wrong", wrongKey.Output + wrongKey.Errors, StringComparison.Ordinal);
        Assert.Equal(5, unreachable.ExitCode);
        Assert.StartsWith($"auditgen: could not reach WorkOS at {nobodyListening}/: ", unreachable.Errors, StringComparison.Ordinal);
        Assert.Single(unreachable.Errors.Trim().Split('\n'));
        Assert.DoesNotContain("SchemaVersions", unreachable.Output, StringComparison.Ordinal);
    }

    /// <summary>A port on 127.0.0.1 that nothing listens on (it was free a moment ago).</summary>
    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Printed(List<string> lines, string action)
    {
        lock (lines)
        {
            return lines.Any(line => line.Contains($"\"action\":\"{action}\"", StringComparison.Ordinal));
        }
    }

    /// <summary>Who the CLI names as the actor: the user behind sudo, when there is one.</summary>
    private static string OperatingSystemUser => Environment.GetEnvironmentVariable("SUDO_USER") is { Length: > 0 } invoker ? invoker : Environment.UserName;

    private static string Hash(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(file));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private SqliteAuditStore Open(string? signingKey = null) => new(Database, null, TimeProvider.System, ledger: Ledger(signingKey));

    private static LedgerSettings Ledger(string? signingKey) =>
        signingKey is null ? LedgerSettings.Unsigned : LedgerSettings.SignedWith(signingKey, LedgerSettings.Unsigned.CheckpointInterval);

    private async Task SeedAsync(int count, string action = "user.signed_in", string organization = "org_1", string? signingKey = null)
    {
        using var store = Open(signingKey);
        var preparer = new AuditGen.Pipeline.AuditEventPreparer(AuditGen.Pipeline.OversizedStringValueHandling.Truncate);
        var entries = Enumerable.Range(0, count).Select(_ => preparer.Prepare(new AuditEvent
        {
            OrganizationId = organization,
            Action = action,
            Actor = new AuditActor { Type = "user", Id = "user_1", Name = "Ada" },
            Targets = [new AuditTarget { Type = "user", Id = "user_1" }],
            Context = new AuditContext { Location = "127.0.0.1" },
        })).ToArray();
        await store.AppendAsync(entries, CancellationToken.None);
    }

    private static int Count(List<string> lines)
    {
        lock (lines)
        {
            return lines.Count;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the CLI");
            await Task.Delay(20);
        }
    }

    private const string EmulatorKey = "sk_test_cli";

    private static async Task<RunningEmulator> StartEmulatorAsync()
    {
        var app = WorkOsEmulatorApp.Create([], builder =>
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Emulator:ApiKeys:0"] = EmulatorKey });
        });
        await app.StartAsync();
        return new RunningEmulator(app);
    }

    private sealed class RunningEmulator(WebApplication app) : IAsyncDisposable
    {
        public string Url => app.Urls.Single();

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }

    private static Process Start(params string[] arguments) => AuditGenCli.Start(new Dictionary<string, string>(), arguments);

    private static Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] arguments) => AuditGenCli.RunAsync(new Dictionary<string, string>(), arguments);

    private static Task<(int ExitCode, string Output, string Errors)> RunAsync(Dictionary<string, string> environment, params string[] arguments) => AuditGenCli.RunAsync(environment, arguments);
}
