using System.Diagnostics;
using System.Globalization;
using System.Text;
using AuditGen.Events.Json;
using AuditGen.Export;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.Sqlite;
using Microsoft.Data.Sqlite;

namespace AuditGen.Benchmarks;

/// <summary>
/// What the witnessed-checkpoints issue asks to measure, on SQLite: the cost of checkpointing when every one of many
/// organizations changed in an interval (rounds that checkpoint against the same rounds that do not), and for one
/// organization of many records the size of a record's proof and the time to write and to verify its proven export.
/// </summary>
internal static class ProofCosts
{
    private const string Organization = "org_0";

    public static async Task<string> CheckpointsAsync(int organizations, int rounds)
    {
        var report = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{rounds} integration rounds of {organizations:N0} events, one for each of {organizations:N0} organizations; SQLite, signed checkpoints");
        foreach (var checkpointing in new[] { false, true, false, true })
        {
            var (perRound, cpuPerRound, proof) = await RoundsAsync(organizations, rounds, checkpointing);
            var line = $"{(checkpointing ? "a checkpoint every round " : "no checkpoint in a round ")}: {perRound.TotalMilliseconds:N0} ms per round, {cpuPerRound.TotalMilliseconds:N0} ms CPU"
                + (checkpointing ? $"; the witness's consistency proof between two rounds: {proof.TotalMilliseconds:F1} ms" : "");
            report.AppendLine(line);
        }

        return report.ToString();
    }

    private static async Task<(TimeSpan PerRound, TimeSpan CpuPerRound, TimeSpan Proof)> RoundsAsync(int organizations, int rounds, bool checkpointing)
    {
        var directory = Directory.CreateTempSubdirectory("auditgen-checkpoints-").FullName;
        try
        {
            using var store = new SqliteAuditStore(Path.Combine(directory, "audit.db"), null, TimeProvider.System, ledger: Settings(checkpointing ? TimeSpan.Zero : TimeSpan.FromDays(1)));
            var templates = Enumerable.Range(0, organizations).Select(static i => BenchmarkEvents.MemberAdded($"org_{i.ToString(CultureInfo.InvariantCulture)}")).Select(static e => (e, WorkOsJson.SerializeEvent(e))).ToArray();

            // The first round makes every organization's tree: not what an interval costs afterwards.
            await RoundAsync(store, templates);
            var process = Process.GetCurrentProcess();
            var elapsed = TimeSpan.Zero;
            var cpu = TimeSpan.Zero;
            for (var round = 0; round < rounds; round++)
            {
                var batch = Batch(templates);
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await store.AppendAsync(batch, CancellationToken.None);
                await store.IntegrateAsync(forceCheckpoint: false, CancellationToken.None);
                elapsed += clock.Elapsed;
                process.Refresh();
                cpu += process.TotalProcessorTime - cpuBefore;
            }

            var proof = TimeSpan.Zero;
            if (checkpointing)
            {
                proof = await store.ReadLedgerAsync(
                    snapshot =>
                    {
                        var size = snapshot.ReadTopLog(out _).Size;
                        var clock = Stopwatch.StartNew();
                        LedgerProofs.TopLevelConsistency(snapshot, size - organizations, size);
                        return Task.FromResult(clock.Elapsed);
                    },
                    CancellationToken.None);
            }

            return (elapsed / rounds, cpu / rounds, proof);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    public static async Task<string> ExportAsync(int records)
    {
        var directory = Directory.CreateTempSubdirectory("auditgen-proofs-").FullName;
        try
        {
            var settings = Settings(TimeSpan.FromSeconds(1));
            using var store = new SqliteAuditStore(Path.Combine(directory, "audit.db"), null, TimeProvider.System, ledger: settings);
            var template = BenchmarkEvents.MemberAdded(Organization);
            var templates = new[] { (template, WorkOsJson.SerializeEvent(template)) };
            var clock = Stopwatch.StartNew();
            for (var written = 0; written < records; written += 1000)
            {
                await store.AppendAsync(Batch(templates, Math.Min(1000, records - written)), CancellationToken.None);
            }

            await store.IntegrateAsync(forceCheckpoint: true, CancellationToken.None);
            var filled = clock.Elapsed;

            // One record's proof, read from the store, as an API serving a single proof would.
            var indexes = Enumerable.Range(0, 1000).Select(static i => (long)(i * 997L)).Select(i => i % records).ToArray();
            clock.Restart();
            var proofHashes = await store.ReadLedgerAsync(
                snapshot =>
                {
                    var tree = snapshot.ReadTree(Organization)!;
                    return Task.FromResult(indexes.Sum(index => LedgerProofs.Inclusion(snapshot, tree, index, records).Length));
                },
                CancellationToken.None);
            var perProof = clock.Elapsed / indexes.Length;

            var file = Path.Combine(directory, "export.proof.jsonl");
            clock.Restart();
            ProvenExportSummary summary;
            await using (var output = File.Create(file))
            {
                summary = await ProvenExport.WriteAsync(store, new AuditQuery { OrganizationId = Organization }, null, output, null, CancellationToken.None);
            }

            var exported = clock.Elapsed;
            var size = new FileInfo(file).Length;
            clock.Restart();
            ProvenExportVerification verification;
            await using (var input = File.OpenRead(file))
            {
                verification = await ProvenExportVerifier.VerifyAsync(input, new ProvenExportKeys(settings.Verifier!, [], 0), CancellationToken.None);
            }

            var verified = clock.Elapsed;
            var eventBytes = WorkOsJson.SerializeEvent(template).Length;
            return new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"one organization of {records:N0} records (events of {eventBytes} bytes of JSON), SQLite, filled in {filled.TotalSeconds:F0} s")
                .AppendLine(CultureInfo.InvariantCulture, $"a record's inclusion proof: {(double)proofHashes / indexes.Length:F1} hashes ({32.0 * proofHashes / indexes.Length:F0} bytes), read from the store in {perProof.TotalMicroseconds:F0} us on average (1,000 records spread over the log)")
                .AppendLine(CultureInfo.InvariantCulture, $"proven export: {summary.Records:N0} records in {exported.TotalSeconds:F1} s ({summary.Records / exported.TotalSeconds:N0} records/s), {size / 1_000_000.0:N0} MB ({(double)size / summary.Records:F0} bytes per record)")
                .AppendLine(CultureInfo.InvariantCulture, $"verify-export: {(verification.IsValid ? "verified" : "FAILED: " + verification.Problem)} {verification.Records:N0} records in {verified.TotalSeconds:F1} s ({verified.TotalMicroseconds / Math.Max(1, verification.Records):F1} us per record)")
                .ToString();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static LedgerSettings Settings(TimeSpan checkpointInterval) =>
        LedgerSettings.SignedWith(NoteSigner.Generate("bench.example/audit"), checkpointInterval);

    private static async Task RoundAsync(SqliteAuditStore store, (AuditGen.Events.AuditEvent Event, byte[] Json)[] templates)
    {
        await store.AppendAsync(Batch(templates), CancellationToken.None);
        await store.IntegrateAsync(false, CancellationToken.None);
    }

    /// <summary>One event for each template, in order, each under a fresh id.</summary>
    private static AuditEntry[] Batch((AuditGen.Events.AuditEvent Event, byte[] Json)[] templates, int? count = null) =>
        [.. Enumerable.Range(0, count ?? templates.Length).Select(i => templates[i % templates.Length]).Select(static template => new AuditEntry(
            new AuditGen.Events.AuditEvent
            {
                OrganizationId = template.Event.OrganizationId,
                Action = template.Event.Action,
                OccurredAt = template.Event.OccurredAt,
                Actor = template.Event.Actor,
                Targets = template.Event.Targets,
                Context = template.Event.Context,
                Metadata = template.Event.Metadata,
            },
            template.Json,
            [],
            null))];
}
