using AuditGen.WorkOsEmulator.Inspection;
using AuditGen.WorkOsEmulator.Events;

namespace AuditGen.WorkOsEmulator.Faults;

/// <summary>Adds latency, drops connections and answers injected error statuses on the WorkOS API routes and the log stream receivers.</summary>
internal sealed class FaultInjectionMiddleware(RequestDelegate next, FaultInjector faults, EmulatorStatistics statistics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!EmulatorRoutes.IsWorkOsApi(context.Request.Path) && !EmulatorRoutes.IsLogStreamReceiver(context.Request.Path))
        {
            await next(context);
            return;
        }

        if (faults.Options.LatencyMilliseconds > 0)
        {
            await Task.Delay(faults.Options.LatencyMilliseconds, context.RequestAborted);
        }

        switch (faults.Draw())
        {
            case null:
                await next(context);
                return;
            case -1:
                statistics.Injected("drop");
                context.Abort();
                return;
            case var status:
                statistics.Injected(status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                context.Response.StatusCode = status.Value;
                if (status is 429 or 503 && faults.Options.RetryAfterSeconds > 0)
                {
                    context.Response.Headers.RetryAfter = faults.Options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await context.Response.WriteAsJsonAsync(status == 429 ? WorkOsErrors.RateLimited() : WorkOsErrors.Message("Injected fault."), context.RequestAborted);
                return;
        }
    }
}
