using System.Text;
using AuditGen.Export;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Tests.Contracts;
using AuditGen.Tests.Stores;

namespace AuditGen.Tests.Export;

/// <summary>
/// An organization's proven export, written from a real SQLite log and checked the way its customer would: offline, with
/// the log's public key only, after every kind of change someone holding the file could make.
/// </summary>
public sealed class ProvenExportTests : IDisposable
{
    private static readonly byte[] s_key = [.. Enumerable.Range(7, 32).Select(static i => (byte)i)];
    private readonly TempDatabase _database = new();
    private readonly TempDatabase _otherDatabase = new();

    private static ProvenExportKeys Keys => new(LedgerKeys.SettingsFor(s_key).Verifier!, [], 0);

    [Fact]
    public async Task An_organization_s_export_verifies_offline_with_the_log_key_and_holds_only_its_own_records()
    {
        using var store = _database.Open(s_key);
        await store.AppendAsync([.. Enumerable.Range(0, 300).Select(i => StoreEntries.Entry(actorId: $"user_{i}"))], CancellationToken.None);
        await store.AppendAsync([StoreEntries.Entry(organization: "org_2"), StoreEntries.Entry(organization: "org_2")], CancellationToken.None);

        var (lines, summary) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1" });
        var verification = await VerifyAsync(lines);

        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(300, verification.Records);
        Assert.Equal(300, summary.Records);
        Assert.Equal("org_1", verification.Header!.OrganizationId);
        Assert.True(verification.Header.Complete);
        Assert.Equal(300, verification.Header.Checkpoint.Size);
        Assert.Equal(301, lines.Length);
        Assert.DoesNotContain(lines, static line => line.Contains("org_2", StringComparison.Ordinal));
        Assert.False(summary.Witnessed);
    }

    [Theory]
    [InlineData("edited", "record 2 (event", "it was edited")]
    [InlineData("removed", "record 2 is missing before record 3", "removed from the export")]
    [InlineData("reordered", "record 2 is missing before record 3", "removed from the export")]
    [InlineData("repeated", "comes after record 2", "reordered or repeated")]
    [InlineData("cut at the end", "ends at record 3", "removed from its end")]
    [InlineData("another organization", "is not of organization 'org_2'", "")]
    [InlineData("signed by another key", "does not verify with the log's key", "")]
    [InlineData("proof of another record", "record 2 (event", "its proof does not belong to it")]
    [InlineData("a member no proof covers", "a member 'note' that the format does not have", "")]
    [InlineData("a member given twice", "line 4: the record is not readable JSON", "")]
    [InlineData("marked filtered", "names its filters exactly when it is not complete", "")]
    public async Task A_changed_export_does_not_verify_and_the_problem_names_the_change(string change, string expected, string expectedToo)
    {
        using var store = _database.Open(s_key);
        await store.AppendAsync(StoreEntries.Entries(5), CancellationToken.None);
        var (lines, _) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1" });
        var changed = change switch
        {
            // Lines are the header, then records 0 to 4.
            "edited" => [.. lines.Select((line, i) => i == 3 ? line.Replace("Ada", "Eve", StringComparison.Ordinal) : line)],
            "removed" => [.. lines.Where((_, i) => i != 3)],
            "reordered" => [lines[0], lines[1], lines[2], lines[4], lines[3], lines[5]],
            "repeated" => [.. lines[..4], lines[3], .. lines[4..]],
            "cut at the end" => lines[..^1],
            "another organization" => [lines[0].Replace("\"organization_id\":\"org_1\"", "\"organization_id\":\"org_2\"", StringComparison.Ordinal), .. lines[1..]],
            "signed by another key" => [await ForeignHeaderAsync(), .. lines[1..]],
            "a member no proof covers" => [.. lines.Select((line, i) => i == 3 ? line.Replace("{\"index\"", "{\"note\":\"approved\",\"index\"", StringComparison.Ordinal) : line)],
            "a member given twice" => [.. lines.Select((line, i) => i == 3 ? line.Replace("\"adjustments\"", "\"action\":\"user.deleted\",\"adjustments\"", StringComparison.Ordinal) : line)],
            "marked filtered" => [lines[0].Replace("\"complete\":true", "\"complete\":false", StringComparison.Ordinal), .. lines[1..]],
            _ => [.. lines.Select((line, i) => i == 3 ? ProofOf(line, lines[4]) : line)],
        };

        var verification = await VerifyAsync(changed);

        Assert.False(verification.IsValid);
        Assert.Contains(expected, verification.Problem, StringComparison.Ordinal);
        Assert.Contains(expectedToo, verification.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verifier_written_independently_from_the_documented_format_accepts_exports_and_refuses_an_edited_one()
    {
        using var store = _database.Open(s_key);
        await store.AppendAsync(StoreEntries.Entries(5), CancellationToken.None);
        var (older, _) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1" });
        await store.AppendAsync([.. Enumerable.Range(0, 300).Select(i => StoreEntries.Entry(actorId: $"user_{i}")), StoreEntries.Entry(organization: "org_2")], CancellationToken.None);
        var (newer, _) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1" }, extendsSize: 5);
        var olderFile = Path.Combine(_database.Directory, "older.proof.jsonl");
        var newerFile = Path.Combine(_database.Directory, "newer.proof.jsonl");
        var editedFile = Path.Combine(_database.Directory, "edited.proof.jsonl");
        await File.WriteAllLinesAsync(olderFile, older);
        await File.WriteAllLinesAsync(newerFile, newer);
        await File.WriteAllLinesAsync(editedFile, newer.Select(static line => line.Replace("user_198", "user_999", StringComparison.Ordinal)));
        var logKey = Keys.Log.ToString();

        var verified = await AuditGen.Tests.Processes.IndependentVerifier.VerifyAsync(newerFile, logKey, "--previous", olderFile);
        var edited = await AuditGen.Tests.Processes.IndependentVerifier.VerifyAsync(editedFile, logKey);
        var rewritten = await AuditGen.Tests.Processes.IndependentVerifier.VerifyAsync(olderFile, logKey, "--previous", newerFile);

        Assert.True(verified.ExitCode == 0, verified.Output);
        Assert.Equal("verified 305 records", verified.Output.Trim());
        Assert.Equal(1, edited.ExitCode);
        Assert.Equal("record 203 does not match its proof", edited.Output.Trim());
        Assert.Equal(1, rewritten.ExitCode);
        Assert.Equal("the export does not extend the older one", rewritten.Output.Trim());
    }

    [Fact]
    public async Task A_filtered_export_verifies_each_record_it_holds_and_says_it_is_not_complete()
    {
        using var store = _database.Open(s_key);
        await store.AppendAsync([StoreEntries.Entry(action: "user.signed_in"), StoreEntries.Entry(), StoreEntries.Entry(action: "user.signed_in")], CancellationToken.None);

        var (lines, _) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1", Actions = ["user.signed_in"] });
        var verification = await VerifyAsync(lines);

        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal(2, verification.Records);
        Assert.False(verification.Header!.Complete);
        Assert.Contains("\"filters\":{\"actions\":[\"user.signed_in\"]}", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_purge_the_export_states_the_records_retention_removed_and_a_record_missing_after_them_is_named()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        using var store = _database.Open(s_key, clock);
        await store.AppendAsync(StoreEntries.Entries(4), CancellationToken.None);
        clock.Now = clock.Now.AddDays(100);
        await store.AppendAsync(StoreEntries.Entries(3), CancellationToken.None);
        await store.PurgeAsync(clock.Now.AddDays(-30), CancellationToken.None);

        var (lines, summary) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1" });
        var verification = await VerifyAsync(lines);
        var missing = await VerifyAsync([.. lines.Where((_, i) => i != 2)]);

        Assert.True(verification.IsValid, verification.Problem);
        Assert.Equal((4L, 3L, 7L), (verification.Header!.PurgedThrough, verification.Records, verification.Header.Checkpoint.Size));
        Assert.Equal(4, summary.PurgedThrough);
        Assert.Contains("record 5 is missing before record 6", missing.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newer_export_proves_it_extends_an_older_one_and_one_of_a_rewritten_log_does_not()
    {
        using var store = _database.Open(s_key);
        await store.AppendAsync(StoreEntries.Entries(5), CancellationToken.None);
        var (older, _) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1" });
        await store.AppendAsync(StoreEntries.Entries(300), CancellationToken.None);
        var (newer, _) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1" }, extendsSize: 5);

        // The same log key over another history: the first five records differ.
        using var rewritten = _otherDatabase.Open(s_key);
        await rewritten.AppendAsync(StoreEntries.Entries(305), CancellationToken.None);
        var (forked, _) = await ExportAsync(rewritten, new AuditQuery { OrganizationId = "org_1" }, extendsSize: 5);
        var (unproven, _) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1" });

        var olderHeader = (await VerifyAsync(older)).Header!;
        var newerVerification = await VerifyAsync(newer);
        var forkedVerification = await VerifyAsync(forked);
        Assert.True(newerVerification.IsValid, newerVerification.Problem);
        Assert.True(forkedVerification.IsValid, forkedVerification.Problem);
        Assert.Null(ProvenExportVerifier.ProblemExtending(olderHeader, newerVerification.Header!));
        Assert.Contains("does not extend the older one's 5 records", ProvenExportVerifier.ProblemExtending(olderHeader, forkedVerification.Header!), StringComparison.Ordinal);
        Assert.Contains("carries no consistency proof from size 5", ProvenExportVerifier.ProblemExtending(olderHeader, (await VerifyAsync(unproven)).Header!), StringComparison.Ordinal);
        Assert.Contains("fewer than the 305", ProvenExportVerifier.ProblemExtending(newerVerification.Header!, olderHeader), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_the_log_key_is_rotated_an_export_made_before_still_verifies_with_the_old_key_and_a_new_one_with_the_new_key()
    {
        using (var store = _database.Open(s_key))
        {
            await store.AppendAsync(StoreEntries.Entries(3), CancellationToken.None);
        }

        using var before = _database.Open(s_key, readOnly: true);
        var (old, _) = await ExportAsync(before, new AuditQuery { OrganizationId = "org_1" });
        var rotated = LedgerSettings.SignedWith(NoteSigner.Generate("auditgen.test/log"), TimeSpan.Zero);
        using var after = new AuditGen.Stores.Sqlite.SqliteAuditStore(_database.Path, null, TimeProvider.System, ledger: rotated);
        await after.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
        var (current, _) = await ExportAsync(after, new AuditQuery { OrganizationId = "org_1" }, extendsSize: 3);

        Assert.True((await VerifyAsync(old)).IsValid);
        var verified = await VerifyAsync(current, new ProvenExportKeys(rotated.Verifier!, [], 0));
        Assert.True(verified.IsValid, verified.Problem);
        Assert.Null(ProvenExportVerifier.ProblemExtending((await VerifyAsync(old)).Header!, verified.Header!));
        Assert.Contains("does not verify with the log's key", (await VerifyAsync(current)).Problem, StringComparison.Ordinal);
        Assert.True((await after.VerifyAsync(CancellationToken.None)).IsIntact);
    }

    [Fact]
    public async Task An_export_without_the_cosignatures_the_reader_requires_does_not_verify()
    {
        using var store = _database.Open(s_key);
        await store.AppendAsync(StoreEntries.Entries(2), CancellationToken.None);
        var (lines, _) = await ExportAsync(store, new AuditQuery { OrganizationId = "org_1" });
        Assert.True(Cosigner.TryParse(Cosigner.Generate("witness.example.net"), out var witness, out _));
        using (witness)
        {
            var verification = await VerifyAsync(lines, Keys with { Witnesses = [witness!.Verifier], Quorum = 1 });

            Assert.False(verification.IsValid);
            Assert.Contains("cosigned by 0 of the witnesses given, fewer than the 1 required (no valid cosignature of witness.example.net)", verification.Problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_unsigned_log_or_an_unknown_organization_gives_no_export_and_says_why()
    {
        using (var unsigned = _otherDatabase.Open())
        {
            await unsigned.AppendAsync(StoreEntries.Entries(1), CancellationToken.None);
            var refused = await Assert.ThrowsAsync<AuditStoreException>(() => ProvenExport.WriteAsync(unsigned, new AuditQuery { OrganizationId = "org_1" }, null, Stream.Null, null, CancellationToken.None));
            Assert.Contains("not signed", refused.Message, StringComparison.Ordinal);
        }

        using var store = _database.Open(s_key);
        await store.AppendAsync(StoreEntries.Entries(1), CancellationToken.None);
        var unknown = await Assert.ThrowsAsync<AuditStoreException>(() => ProvenExport.WriteAsync(store, new AuditQuery { OrganizationId = "org_9" }, null, Stream.Null, null, CancellationToken.None));
        Assert.Contains("Organization 'org_9' has no records", unknown.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _database.Dispose();
        _otherDatabase.Dispose();
    }

    private static async Task<(string[] Lines, ProvenExportSummary Summary)> ExportAsync(ILedgerReader store, AuditQuery query, long? extendsSize = null)
    {
        using var output = new MemoryStream();
        var summary = await ProvenExport.WriteAsync(store, query, extendsSize, output, null, CancellationToken.None);
        return (Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n').Split('\n'), summary);
    }

    private static Task<ProvenExportVerification> VerifyAsync(IEnumerable<string> lines, ProvenExportKeys? keys = null) =>
        ProvenExportVerifier.VerifyAsync(new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n")), keys ?? Keys, CancellationToken.None);

    /// <summary>The header of an export of another log whose key has the same name: its checkpoints do not verify with this log's key.</summary>
    private async Task<string> ForeignHeaderAsync()
    {
        using var foreign = new AuditGen.Stores.Sqlite.SqliteAuditStore(_otherDatabase.Path, null, TimeProvider.System, ledger: LedgerSettings.SignedWith(NoteSigner.Generate("auditgen.test/log"), TimeSpan.Zero));
        await foreign.AppendAsync(StoreEntries.Entries(5), CancellationToken.None);
        return (await ExportAsync(foreign, new AuditQuery { OrganizationId = "org_1" })).Lines[0];
    }

    /// <summary>A record line carrying the proof of another record.</summary>
    private static string ProofOf(string line, string other) =>
        line[..line.IndexOf("\"proof\":", StringComparison.Ordinal)] + other[other.IndexOf("\"proof\":", StringComparison.Ordinal)..];
}
