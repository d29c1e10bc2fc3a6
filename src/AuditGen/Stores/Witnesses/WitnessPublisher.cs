using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AuditGen.Ledger;
using AuditGen.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.Stores.Witnesses;

/// <summary>
/// Submits the log's newest signed checkpoint to every configured witness (<c>AuditGen:Ledger:Witnesses</c>) at start-up
/// and then every <c>WitnessInterval</c>. A witness that cosigns is remembered at its size, so the next submission
/// carries the proof from there; a witness that holds a larger or another log is a critical error (the log was put
/// back or forked); one that refuses or cannot be reached is an error, retried at the next interval. Appends never wait
/// for witnesses. <see cref="WitnessingStatus"/> keeps the latest answers for the health check.
/// </summary>
internal sealed partial class WitnessPublisher(
    IAuditStore store,
    IHttpClientFactory httpClients,
    IOptions<AuditLedgerOptions> options,
    WitnessingStatus status,
    TimeProvider timeProvider,
    ILogger<WitnessPublisher> logger) : BackgroundService
{
    public const string HttpClientName = "AuditGen.Witness";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var witnesses = options.Value.Witnesses
            .Select(static text => WitnessEndpoint.TryParse(text, out var endpoint, out var problem) ? endpoint! : throw new InvalidOperationException(problem))
            .ToList();
        if (witnesses.Count == 0)
        {
            return;
        }

        if (store is not ILedgerReader log)
        {
            LogNoLedger(witnesses.Count);
            return;
        }

        var quorum = status.Quorum;
        var knownSizes = await KnownSizesAsync(log, witnesses, stoppingToken);
        using var timer = new PeriodicTimer(options.Value.WitnessInterval, timeProvider);
        do
        {
            var round = await SubmitAsync(log, witnesses, knownSizes, stoppingToken);
            foreach (var outcome in round.Outcomes)
            {
                if (outcome.IsCosigned)
                {
                    knownSizes[outcome.Witness] = outcome.WitnessSize;
                }

                // Logged before the health check can show it, so whoever reads the one finds the other.
                Report(outcome);
                status.Record(outcome, timeProvider.GetUtcNow());
            }

            if (round.Cosigned >= quorum && round.CosignedNote is { } cosigned)
            {
                await KeepAsync(log, round.Size, cosigned, stoppingToken);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<WitnessRound> SubmitAsync(ILedgerReader log, List<WitnessEndpoint> witnesses, Dictionary<string, long> knownSizes, CancellationToken stoppingToken)
    {
        var submissions = witnesses.Select(witness =>
        {
            var client = httpClients.CreateClient(HttpClientName);
            client.BaseAddress = witness.Url;
            return new WitnessSubmission(witness.Key, client, knownSizes.GetValueOrDefault(witness.Key.Name));
        }).ToList();
        try
        {
            return await LedgerWitnessing.SubmitAsync(log, submissions, verifyWith: null, timeProvider, stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Whatever fails, the application and its appends go on; the next interval tries again.
            return new WitnessRound(0, null, [.. witnesses.Select(witness => WitnessOutcome.Unreachable(witness.Key.Name, $"the log cannot be read or {witness.Url} cannot be reached ({exception.Message})"))]);
        }
    }

    private async Task<Dictionary<string, long>> KnownSizesAsync(ILedgerReader log, List<WitnessEndpoint> witnesses, CancellationToken stoppingToken)
    {
        try
        {
            return await LedgerWitnessing.KnownSizesAsync(log, witnesses.Select(static witness => witness.Key), stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Not known: the witnesses' answers say what they hold.
            LogKnownSizesUnread(exception);
            return new Dictionary<string, long>(StringComparer.Ordinal);
        }
    }

    private async Task KeepAsync(ILedgerReader log, long size, string cosignedNote, CancellationToken stoppingToken)
    {
        try
        {
            await log.KeepWitnessedCheckpointAsync(size, cosignedNote, stoppingToken);
            status.Witnessed(size, timeProvider.GetUtcNow());
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            LogNotKept(size, exception);
        }
    }

    private void Report(WitnessOutcome outcome)
    {
        switch (outcome.Kind)
        {
            case WitnessOutcomeKind.Cosigned:
                LogCosigned(outcome.Witness, outcome.LogSize);
                break;
            case WitnessOutcomeKind.CosignedAfterLosingState:
                LogLostState(outcome.Witness, outcome.Problem!);
                break;
            case WitnessOutcomeKind.Unreachable:
                LogUnreachable(outcome.Witness, outcome.Problem!);
                break;
            case WitnessOutcomeKind.Refused:
                LogRefused(outcome.Witness, outcome.Problem!);
                break;
            default:
                LogNotExtended(outcome.Witness, outcome.Problem!);
                break;
        }
    }

    [LoggerMessage(EventId = 50, Level = LogLevel.Debug, Message = "Witness {Witness} cosigned the audit log's checkpoint of {Size} top-level entries.")]
    private partial void LogCosigned(string witness, long size);

    [LoggerMessage(EventId = 51, Level = LogLevel.Error, Message = "Witness {Witness} could not be reached; the audit log's checkpoint waits for the next interval: {Problem}")]
    private partial void LogUnreachable(string witness, string problem);

    [LoggerMessage(EventId = 57, Level = LogLevel.Critical, Message = "Witness {Witness} refused the audit log's checkpoint: {Problem}. Check the witness's configuration (it must know this log's verifier key) and the log (`auditgen verify --witness`).")]
    private partial void LogRefused(string witness, string problem);

    [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "{Count} witnesses are configured, but the audit store keeps no ledger (the in-memory store): nothing is submitted to them.")]
    private partial void LogNoLedger(int count);

    [LoggerMessage(EventId = 54, Level = LogLevel.Error, Message = "The checkpoint of {Size} top-level entries the witnesses cosigned could not be kept with the audit log; exports go on proving records with the previous one.")]
    private partial void LogNotKept(long size, Exception exception);

    [LoggerMessage(EventId = 55, Level = LogLevel.Error, Message = "Witness {Witness} cosigned again after losing what it held: {Problem}. Check the witness's storage and backups.")]
    private partial void LogLostState(string witness, string problem);

    [LoggerMessage(EventId = 56, Level = LogLevel.Warning, Message = "The witnessed checkpoint kept with the audit log could not be read; a witness that lost its state is found only once it cosigns again.")]
    private partial void LogKnownSizesUnread(Exception exception);

    [LoggerMessage(EventId = 52, Level = LogLevel.Critical, Message = "The audit log does not extend what witness {Witness} cosigned before: {Problem}. Run `auditgen verify --witness` and investigate.")]
    private partial void LogNotExtended(string witness, string problem);
}

/// <summary>
/// The witnesses' latest answers, for the health check, and the age of the newest checkpoint enough of them cosigned
/// (the gauge <c>auditgen.witness.lag</c>: how long records have waited at most for a witnessed checkpoint).
/// </summary>
internal sealed class WitnessingStatus
{
    private readonly ConcurrentDictionary<string, (WitnessOutcome Outcome, DateTimeOffset At)> _latest = new(StringComparer.Ordinal);

    public WitnessingStatus(IOptions<AuditLedgerOptions> options, IMeterFactory meterFactory, TimeProvider timeProvider)
    {
        // From the configuration, not from the publisher's first round: the health check is right from start-up.
        Configured = options.Value.Witnesses.Count;
        Quorum = options.Value.WitnessQuorum ?? Configured;
        meterFactory.Create(AuditGenMetrics.MeterName).CreateObservableGauge(
            "auditgen.witness.lag",
            () => LastWitnessed is { } last ? [new Measurement<double>((timeProvider.GetUtcNow() - last.At).TotalSeconds)] : Array.Empty<Measurement<double>>(),
            "s",
            "Seconds since this instance kept the newest checkpoint enough witnesses cosigned; reported once one is kept.");
    }

    public int Configured { get; }

    public int Quorum { get; }

    public void Record(WitnessOutcome outcome, DateTimeOffset at) => _latest[outcome.Witness] = (outcome, at);

    /// <summary>The size of the newest top-level checkpoint enough witnesses cosigned, and when this instance kept it; null before one.</summary>
    public (long Size, DateTimeOffset At)? LastWitnessed { get; private set; }

    public void Witnessed(long size, DateTimeOffset at) => LastWitnessed = (size, at);

    public IReadOnlyList<(WitnessOutcome Outcome, DateTimeOffset At)> Latest => [.. _latest.Values.OrderBy(static entry => entry.Outcome.Witness, StringComparer.Ordinal)];
}
