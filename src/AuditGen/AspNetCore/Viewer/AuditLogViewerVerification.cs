using AuditGen.Pipeline;

namespace AuditGen.AspNetCore.Viewer;

/// <summary>
/// The chain status the viewer shows. Verifying reads the whole log, so one run serves every viewer request for a
/// minute, and requests arriving during a run wait for it rather than start another.
/// </summary>
internal sealed class AuditLogViewerVerification(IAuditLog log, TimeProvider timeProvider) : IDisposable
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _running = new(1, 1);
    private (bool Intact, DateTimeOffset CheckedAt)? _last;

    public async Task<(bool Intact, DateTimeOffset CheckedAt)> GetAsync(CancellationToken cancellationToken)
    {
        if (_last is { } last && timeProvider.GetUtcNow() - last.CheckedAt < Freshness)
        {
            return last;
        }

        await _running.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } recent && timeProvider.GetUtcNow() - recent.CheckedAt < Freshness)
            {
                return recent;
            }

            // The stores read the chain synchronously; keep that off the request's thread.
            var verification = await Task.Run(() => log.VerifyAsync(CancellationToken.None), cancellationToken);
            var result = (verification.IsIntact, timeProvider.GetUtcNow());
            _last = result;
            return result;
        }
        finally
        {
            _running.Release();
        }
    }

    public void Dispose() => _running.Dispose();
}
