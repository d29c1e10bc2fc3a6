using System.Reflection;
using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using AuditGen.Stores.Sqlite;
using AuditGen.Tests.Cli;
using AuditGen.Tests.Processes;
using AuditGen.Stores.Witnesses;
using AuditGen.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AuditGen.Witness.Tests;

/// <summary>
/// A log checked against a witness running as its own process, with `auditgen verify --witness`: the rollback that a
/// signature alone cannot catch (an older copy of the database put back by someone who also holds the signing key) is
/// caught by the witness, which remembers a larger log.
/// </summary>
public sealed class WitnessedLogTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("auditgen-witnessed-").FullName;
    private readonly string _witnessKey = Cosigner.Generate("witness.test/w1");
    private readonly string _logKey = NoteSigner.Generate("example.com/audit");
    private WebAppProcess _witness = null!;

    private string Database => Path.Combine(_directory, "audit.db");

    public async Task InitializeAsync() => _witness = await StartWitnessAsync();

    private Task<WebAppProcess> StartWitnessAsync(string? signingKey = null, string database = "witness.db")
    {
        var path = typeof(WitnessedLogTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WitnessPath").Value!;
        return WebAppProcess.StartAsync(
            path,
            new Dictionary<string, string>
            {
                ["Witness__SigningKey"] = signingKey ?? _witnessKey,
                ["Witness__Logs__0"] = LedgerSettings.SignedWith(_logKey, TimeSpan.Zero).Verifier!.ToString(),
                ["Witness__Database"] = Path.Combine(_directory, database),
            },
            "/");
    }

    public async Task DisposeAsync()
    {
        await _witness.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_log_put_back_from_an_older_copy_with_its_valid_signatures_is_caught_by_the_witness()
    {
        await AppendAsync(3);
        var first = await VerifyAsync();
        Backup("before");
        await AppendAsync(2);
        var second = await VerifyAsync();

        // The attacker holds the database and the signing key: the older copy verifies on its own.
        Restore("before");
        var alone = await AuditGenCli.RunAsync(new Dictionary<string, string>(), "verify", "--db", Database, "--verifier-key", VerifierKey);
        var witnessed = await VerifyAsync();

        Assert.True(first.ExitCode == 0, first.Output + first.Errors);
        Assert.Contains("cosigned", first.Output, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.Output + second.Errors);
        Assert.Equal(0, alone.ExitCode);
        Assert.Equal(1, witnessed.ExitCode);
        Assert.Contains("witness.test/w1", witnessed.Output, StringComparison.Ordinal);
        Assert.Contains("an older copy of the log was put back", Words(witnessed.Output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_log_put_back_together_with_one_witness_s_state_is_caught_by_a_second_witness()
    {
        var secondKey = Cosigner.Generate("witness.test/w2");
        await using var second = await StartWitnessAsync(secondKey, "witness2.db");
        var both = new[] { "--witness", WitnessArgument, "--witness", $"{second.BaseAddress}={Verifier(secondKey)}" };
        await AppendAsync(3);
        Assert.Equal(0, (await AuditGenCli.RunAsync(new Dictionary<string, string>(), ["verify", "--db", Database, "--verifier-key", VerifierKey, .. both])).ExitCode);
        Backup("before");
        BackUpWitnessState("witness-before.db");
        await AppendAsync(2);
        Assert.Equal(0, (await AuditGenCli.RunAsync(new Dictionary<string, string>(), ["verify", "--db", Database, "--verifier-key", VerifierKey, .. both])).ExitCode);

        // The database and the first witness's state file both put back: that witness alone is fooled.
        Restore("before");
        await _witness.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_directory, "witness.db*"))
        {
            File.Delete(file);
        }

        File.Copy(Path.Combine(_directory, "witness-before.db"), Path.Combine(_directory, "witness.db"));
        _witness = await StartWitnessAsync();
        var firstAlone = await VerifyAsync();
        var withSecond = await AuditGenCli.RunAsync(new Dictionary<string, string>(), ["verify", "--db", Database, "--verifier-key", VerifierKey, "--witness", WitnessArgument, "--witness", $"{second.BaseAddress}={Verifier(secondKey)}"]);

        Assert.Equal(0, firstAlone.ExitCode);
        Assert.Equal(1, withSecond.ExitCode);
        Assert.Contains("witness witness.test/w2 cosigned a top-level log of", Words(withSecond.Output), StringComparison.Ordinal);
    }

    private static string Verifier(string witnessKey)
    {
        Assert.True(Cosigner.TryParse(witnessKey, out var cosigner, out _));
        using (cosigner)
        {
            return cosigner!.Verifier.ToString();
        }
    }

    [Fact]
    public async Task Another_log_signed_with_the_same_key_is_caught_as_a_fork()
    {
        await AppendAsync(3);
        Assert.Equal(0, (await VerifyAsync()).ExitCode);

        // A second log, written with the same key from the same start: another tree for the witness.
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_directory, "audit.db*"))
        {
            File.Delete(file);
        }

        await AppendAsync(3);
        var forked = await VerifyAsync();

        Assert.Equal(1, forked.ExitCode);
        Assert.Contains("forked or rewritten", Words(forked.Output), StringComparison.Ordinal);
    }

    /// <summary>The output's words, one space apart: the console wraps long lines.</summary>
    private static string Words(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");

    [Fact]
    public async Task The_application_submits_its_checkpoints_to_the_witness_on_its_own_and_reports_it_in_its_health_check()
    {
        using var host = await StartHostAsync(_logKey);
        var writer = host.Services.GetRequiredService<IAuditEventWriter>();
        for (var i = 0; i < 3; i++)
        {
            await writer.WriteCommittedAsync(Entry().Event);
        }

        var log = (IAuditLog)host.Services.GetRequiredService<IAuditStore>();
        Assert.Equal(3, await log.CountAsync(new AuditQuery(), CancellationToken.None));
        var health = host.Services.GetRequiredService<HealthCheckService>();
        var report = await Eventually.GetAsync(
            () => health.CheckHealthAsync(),
            report => report.Entries["auditgen-witnesses"].Description?.StartsWith("1 of 1 witnesses cosigned", StringComparison.Ordinal) == true
                && WitnessSizeAsync().Result > 0,
            "the witness to cosign the log's checkpoint with its records");

        Assert.Equal(HealthStatus.Healthy, report.Entries["auditgen-witnesses"].Status);
        Assert.InRange((await Eventually.GetAsync(WitnessLag, static lag => lag is not null, "the witness lag gauge"))!.Value, 0, 60);
        var size = await WitnessSizeAsync();
        var top = await ((ILedgerReader)log).ReadLedgerAsync(static snapshot => Task.FromResult(snapshot.ReadTopLog(out _).Size), CancellationToken.None);
        Assert.Equal(top, size);
    }

    [Fact]
    public async Task The_checkpoint_the_witness_cosigned_is_kept_and_an_organization_s_proven_export_carries_it_to_be_checked_offline()
    {
        using (var host = await StartHostAsync(_logKey))
        {
            var writer = host.Services.GetRequiredService<IAuditEventWriter>();
            for (var i = 0; i < 3; i++)
            {
                await writer.WriteCommittedAsync(Entry().Event);
            }

            var log = (ILedgerReader)host.Services.GetRequiredService<IAuditStore>();
            await Eventually.GetAsync(
                () => log.ReadLedgerAsync(static snapshot => Task.FromResult(snapshot.ReadWitnessedCheckpoint()), CancellationToken.None),
                static note => note?.Contains("\u2014 witness.test/w1 ", StringComparison.Ordinal) == true,
                "the application to keep the checkpoint its witness cosigned");
            await Eventually.GetAsync(
                () => ProvenRecordsAsync(log),
                static records => records == 3,
                "a witnessed checkpoint that commits to all three records");
        }

        var file = Path.Combine(_directory, "org_1.proof.jsonl");
        var export = await AuditGenCli.RunAsync(new Dictionary<string, string>(), "export", "--db", Database, "--organization", "org_1", "--proof", "--out", file);
        Assert.True(export.ExitCode == 0, export.Output + export.Errors);
        Assert.Contains("its witnesses cosigned", Words(export.Output), StringComparison.Ordinal);

        var verified = await VerifyExportAsync(file);
        Assert.True(verified.ExitCode == 0, verified.Output + verified.Errors);
        Assert.Contains("witness.test/w1 at", verified.Output, StringComparison.Ordinal);
        var independent = await IndependentVerifier.VerifyAsync(file, VerifierKey, "--witness", Verifier(_witnessKey));
        Assert.True(independent.ExitCode == 0, independent.Output);
        Assert.Equal("verified 3 records", independent.Output.Trim());

        // The witness's signature line changed by one character: a cosignature nobody made.
        var lines = await File.ReadAllLinesAsync(file);
        var header = System.Text.Json.Nodes.JsonNode.Parse(lines[0])!;
        var proof = (string)header["checkpoint_proof"]!;
        var cosignature = proof.IndexOf("\u2014 witness.test/w1 ", StringComparison.Ordinal) + "\u2014 witness.test/w1 ".Length + 20;
        header["checkpoint_proof"] = proof[..cosignature] + (proof[cosignature] == 'A' ? 'B' : 'A') + proof[(cosignature + 1)..];
        await File.WriteAllLinesAsync(file, [header.ToJsonString(), .. lines[1..]]);
        var forged = await VerifyExportAsync(file);

        Assert.Equal(1, forged.ExitCode);
        Assert.Contains("no valid cosignature of witness.test/w1", Words(forged.Output), StringComparison.Ordinal);
        Assert.Equal("not cosigned by witness.test/w1", (await IndependentVerifier.VerifyAsync(file, VerifierKey, "--witness", Verifier(_witnessKey))).Output.Trim());
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("restored from an older backup")]
    public async Task A_witness_whose_state_file_was_deleted_or_restored_from_a_backup_is_named_when_the_log_next_submits(string loss)
    {
        await AppendAsync(2);
        var cosignedFirst = await SubmitAsync(knownSize: 0);
        await AppendAsync(2);
        var cosigned = await SubmitAsync(cosignedFirst.WitnessSize);
        Assert.Equal(WitnessOutcomeKind.Cosigned, cosigned.Kind);

        // The witness stops; its state file goes (or an older copy of it comes back); it starts again.
        await _witness.DisposeAsync();
        SqliteConnection.ClearAllPools();
        var state = Path.Combine(_directory, "witness.db");
        foreach (var file in Directory.GetFiles(_directory, "witness.db*"))
        {
            File.Delete(file);
        }

        if (loss != "deleted")
        {
            File.Copy(Path.Combine(_directory, "witness-after-first.db"), state);
        }

        _witness = await StartWitnessAsync();
        await AppendAsync(1);
        var after = await SubmitAsync(cosigned.WitnessSize);

        Assert.Equal(WitnessOutcomeKind.CosignedAfterLosingState, after.Kind);
        var held = loss == "deleted" ? 0 : cosignedFirst.WitnessSize;
        Assert.Contains($"witness witness.test/w1 holds a log of {held} checkpoints, fewer than the {cosigned.WitnessSize} it cosigned before", after.Problem, StringComparison.Ordinal);
        Assert.Equal(WitnessOutcomeKind.Cosigned, (await SubmitAsync(after.WitnessSize)).Kind);
    }

    [Fact]
    public async Task After_a_restart_the_application_knows_what_its_witness_cosigned_and_names_a_witness_that_lost_it()
    {
        using (var host = await StartHostAsync(_logKey))
        {
            await host.Services.GetRequiredService<IAuditEventWriter>().WriteCommittedAsync(Entry().Event);
            var log = (ILedgerReader)host.Services.GetRequiredService<IAuditStore>();
            await Eventually.GetAsync(() => ProvenRecordsAsync(log), static records => records == 1, "the application to keep a checkpoint its witness cosigned with the record");
            await host.StopAsync();
        }

        // The witness loses its state file while the application is stopped.
        await _witness.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_directory, "witness.db*"))
        {
            File.Delete(file);
        }

        _witness = await StartWitnessAsync();

        // One round at start-up, and none after it during the test: the warning stays in the health check until the next.
        using var restarted = await StartHostAsync(_logKey, witnessInterval: "00:10:00");
        var health = restarted.Services.GetRequiredService<HealthCheckService>();
        var report = await Eventually.GetAsync(
            () => health.CheckHealthAsync(),
            static report => report.Entries["auditgen-witnesses"].Description?.Contains("witness.test/w1", StringComparison.Ordinal) == true || report.Entries["auditgen-witnesses"].Status == HealthStatus.Healthy,
            "the witness's first answer");

        Assert.Equal(HealthStatus.Degraded, report.Entries["auditgen-witnesses"].Status);
        Assert.Contains("witness witness.test/w1 holds a log of 0 checkpoints", report.Entries["auditgen-witnesses"].Description, StringComparison.Ordinal);
        var logs = ((CapturingLoggerProvider)restarted.Services.GetRequiredService<ILoggerProvider>()).Logs;
        Assert.Contains(logs, static entry => entry.Level == LogLevel.Error && entry.Message.Contains("cosigned again after losing what it held", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_witness_that_does_not_know_the_log_s_key_refuses_and_the_health_check_is_unhealthy_with_its_answer_and_a_critical_log()
    {
        using var host = await StartHostAsync(NoteSigner.Generate("example.com/audit"));
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var report = await Eventually.GetAsync(() => health.CheckHealthAsync(), static report => report.Entries["auditgen-witnesses"].Status == HealthStatus.Unhealthy, "the witness's refusal");

        Assert.Contains("A witness refused the audit log's checkpoint: witness witness.test/w1 refused to cosign: 403", report.Entries["auditgen-witnesses"].Description, StringComparison.Ordinal);
        var logs = ((CapturingLoggerProvider)host.Services.GetRequiredService<ILoggerProvider>()).Logs;
        Assert.Contains(logs, static entry => entry.Level == LogLevel.Critical && entry.Message.Contains("refused the audit log's checkpoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task While_the_witness_is_down_appends_go_on_and_the_health_check_is_degraded_with_the_reason()
    {
        await _witness.DisposeAsync();
        try
        {
            using var host = await StartHostAsync(_logKey);
            var writer = host.Services.GetRequiredService<IAuditEventWriter>();
            await writer.WriteCommittedAsync(Entry().Event);
            var health = host.Services.GetRequiredService<HealthCheckService>();

            var report = await Eventually.GetAsync(
                () => health.CheckHealthAsync(),
                static report => report.Entries["auditgen-witnesses"].Description?.Contains("cannot be reached", StringComparison.Ordinal) == true,
                "the witness to be found down");

            Assert.Equal(HealthStatus.Degraded, report.Entries["auditgen-witnesses"].Status);
            Assert.StartsWith("0 of 1 witnesses cosigned", report.Entries["auditgen-witnesses"].Description, StringComparison.Ordinal);
            Assert.Equal(1, await ((IAuditLog)host.Services.GetRequiredService<IAuditStore>()).CountAsync(new AuditQuery(), CancellationToken.None));
            var logs = ((CapturingLoggerProvider)host.Services.GetRequiredService<ILoggerProvider>()).Logs;
            Assert.Contains(logs, static entry => entry.Level == LogLevel.Error && entry.Message.Contains("could not be reached", StringComparison.Ordinal));
        }
        finally
        {
            _witness = await StartWitnessAsync();
        }
    }

    [Fact]
    public async Task A_cosignature_dated_far_from_now_is_not_taken_as_an_answer_to_this_submission()
    {
        await AppendAsync(2);
        using var store = new SqliteAuditStore(Database, null, TimeProvider.System, readOnly: true, ledger: LedgerSettings.SignedWith(_logKey, TimeSpan.Zero));
        using var client = new HttpClient { BaseAddress = _witness.BaseAddress };
        Assert.True(Cosigner.TryParse(_witnessKey, out var cosigner, out _));
        using (cosigner)
        {
            // This machine's clock an hour ahead: the witness's fresh cosignature looks as old as a replayed one would.
            WitnessSubmission[] witness = [new(cosigner!.Verifier, client, KnownSize: 0)];
            var skewed = (await LedgerWitnessing.SubmitAsync(store, witness, null, new ShiftedClock(TimeSpan.FromHours(1)), CancellationToken.None)).Outcomes.Single();
            var honest = (await LedgerWitnessing.SubmitAsync(store, witness, null, TimeProvider.System, CancellationToken.None)).Outcomes.Single();

            Assert.Equal(WitnessOutcomeKind.Refused, skewed.Kind);
            Assert.Contains("too far from now", skewed.Problem, StringComparison.Ordinal);
            Assert.Equal(WitnessOutcomeKind.Cosigned, honest.Kind);
        }
    }

    private sealed class ShiftedClock(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + shift;
    }

    /// <summary>The size the witness holds, from its own answer: a conflict that names it.</summary>
    /// <summary>Submits the log's newest checkpoint to the witness as the publisher would, from a size it knew; after the first, the witness's state file is copied aside.</summary>
    private async Task<WitnessOutcome> SubmitAsync(long knownSize)
    {
        using var store = new SqliteAuditStore(Database, null, TimeProvider.System, readOnly: true, ledger: LedgerSettings.SignedWith(_logKey, TimeSpan.Zero));
        using var client = new HttpClient { BaseAddress = _witness.BaseAddress };
        Assert.True(Cosigner.TryParse(_witnessKey, out var cosigner, out _));
        using (cosigner)
        {
            var outcome = (await LedgerWitnessing.SubmitAsync(store, [new(cosigner!.Verifier, client, knownSize)], null, TimeProvider.System, CancellationToken.None)).Outcomes.Single();
            if (knownSize == 0)
            {
                BackUpWitnessState("witness-after-first.db");
            }

            return outcome;
        }
    }

    /// <summary>An online copy of the running witness's state file, as a backup tool would take it.</summary>
    private void BackUpWitnessState(string name)
    {
        using var witnessState = new SqliteConnection($"Data Source={Path.Combine(_directory, "witness.db")};Mode=ReadOnly;Pooling=False");
        witnessState.Open();
        using var backup = new SqliteConnection($"Data Source={Path.Combine(_directory, name)};Pooling=False");
        witnessState.BackupDatabase(backup);
    }

    private async Task<long> WitnessSizeAsync()
    {
        using var client = new HttpClient { BaseAddress = _witness.BaseAddress };
        using var signer = LedgerSettings.SignedWith(_logKey, TimeSpan.Zero).Signer!;
        var note = SignedNote.Sign(new Checkpoint(signer.Name, 0, MerkleHash.EmptyTree.ToArray()).ToNoteText(), signer);
        using var response = await client.PostAsync("add-checkpoint", new StringContent("old 0\n\n" + note));
        var body = await response.Content.ReadAsStringAsync();
        return response.StatusCode == System.Net.HttpStatusCode.Conflict ? long.Parse(body.Trim(), System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private async Task<IHost> StartHostAsync(string signingKey, string witnessInterval = "00:00:01")
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditGen:Sqlite:Path"] = Database,
            ["AuditGen:Ledger:SigningKey"] = signingKey,
            ["AuditGen:Ledger:CheckpointInterval"] = "00:00:00.100",
            ["AuditGen:Ledger:WitnessInterval"] = witnessInterval,
            ["AuditGen:Ledger:Witnesses:0"] = WitnessArgument,
        });
        builder.Logging.ClearProviders().AddProvider(new CapturingLoggerProvider());
        builder.Services.AddAuditGen();
        builder.Services.AddHealthChecks().AddAuditGen();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private string VerifierKey => LedgerSettings.SignedWith(_logKey, TimeSpan.Zero).Verifier!.ToString();

    private string WitnessArgument
    {
        get
        {
            Assert.True(Cosigner.TryParse(_witnessKey, out var cosigner, out _));
            using (cosigner)
            {
                return $"{_witness.BaseAddress}={cosigner!.Verifier}";
            }
        }
    }

    private Task<(int ExitCode, string Output, string Errors)> VerifyAsync() =>
        AuditGenCli.RunAsync(new Dictionary<string, string>(), "verify", "--db", Database, "--verifier-key", VerifierKey, "--witness", WitnessArgument);

    /// <summary>The gauge auditgen.witness.lag as a metrics listener reads it; null while it reports nothing.</summary>
    private static Task<double?> WitnessLag()
    {
        double? lag = null;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name == "AuditGen" && instrument.Name == "auditgen.witness.lag")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lag = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return Task.FromResult(lag);
    }

    private static async Task<long> ProvenRecordsAsync(ILedgerReader log)
    {
        try
        {
            var summary = await AuditGen.Export.ProvenExport.WriteAsync(log, new AuditQuery { OrganizationId = "org_1" }, null, Stream.Null, null, CancellationToken.None);
            return summary.Witnessed ? summary.Records : 0;
        }
        catch (AuditStoreException)
        {
            return 0;
        }
    }

    private Task<(int ExitCode, string Output, string Errors)> VerifyExportAsync(string file)
    {
        Assert.True(Cosigner.TryParse(_witnessKey, out var cosigner, out _));
        using (cosigner)
        {
            return AuditGenCli.RunAsync(new Dictionary<string, string>(), "verify-export", file, "--key", VerifierKey, "--witness-key", cosigner!.Verifier.ToString());
        }
    }

    private async Task AppendAsync(int count)
    {
        using var store = new SqliteAuditStore(Database, null, TimeProvider.System, ledger: LedgerSettings.SignedWith(_logKey, TimeSpan.Zero));
        await store.AppendAsync(Enumerable.Range(0, count).Select(_ => Entry()).ToArray(), CancellationToken.None);
        await store.CountAsync(new AuditQuery(), CancellationToken.None);
    }

    private void Backup(string name)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_directory, "audit.db*"))
        {
            File.Copy(file, Path.Combine(_directory, $"{name}.{Path.GetFileName(file)}"));
        }
    }

    private void Restore(string name)
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(_directory, "audit.db*"))
        {
            File.Delete(file);
        }

        foreach (var file in Directory.GetFiles(_directory, $"{name}.audit.db*"))
        {
            File.Copy(file, Path.Combine(_directory, Path.GetFileName(file)[(name.Length + 1)..]));
        }
    }

    private static AuditEntry Entry()
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = "org_1",
            Action = "team.renamed",
            Actor = new AuditActor { Type = "user", Id = "user_1" },
            Targets = [new AuditTarget { Type = "team", Id = "team_1" }],
            Context = new AuditContext { Location = "127.0.0.1" },
        };
        return new AuditEntry(auditEvent, WorkOsJson.SerializeEvent(auditEvent), [], null);
    }
}
