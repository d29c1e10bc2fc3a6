using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.Pipeline;

/// <summary>
/// Applies <c>AuditGen:RetentionPeriod</c>: once an hour (and at start-up) removes records stored longer
/// ago than that, through <see cref="IAuditLog.PurgeAsync"/>, which keeps what sinks still need and leaves
/// a checkpoint the rest of the chain verifies from. Does nothing when no period is set.
/// </summary>
internal sealed partial class AuditRetentionService(
    IAuditStore store,
    IEnumerable<IAuditSink> sinks,
    IOptions<AuditGenOptions> options,
    TimeProvider timeProvider,
    ILogger<AuditRetentionService> logger) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.RetentionPeriod is not { } period || store is not IAuditLog log)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Every configured sink gets its cursor first, so a sink that has not started yet still holds back the purge.
                foreach (var sink in sinks)
                {
                    await store.GetSinkCursorAsync(sink.Name, stoppingToken);
                }

                var purge = await log.PurgeAsync(timeProvider.GetUtcNow() - period, stoppingToken);
                if (purge.PurgedCount > 0)
                {
                    LogPurged(purge.PurgedCount, purge.ThroughSequence, period);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPurgeFailed(exception);
            }

            await Task.Delay(s_interval, timeProvider, stoppingToken);
        }
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Audit retention removed {Count} records older than {Period}, through sequence {Sequence}.")]
    private partial void LogPurged(long count, long sequence, TimeSpan period);

    [LoggerMessage(EventId = 41, Level = LogLevel.Error, Message = "Audit retention could not purge old records; it tries again in an hour.")]
    private partial void LogPurgeFailed(Exception exception);
}
