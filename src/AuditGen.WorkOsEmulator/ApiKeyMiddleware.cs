using AuditGen.WorkOsEmulator.Inspection;
using AuditGen.WorkOsEmulator.Events;
using Microsoft.Extensions.Options;

namespace AuditGen.WorkOsEmulator;

/// <summary>WorkOS's bearer-key check (an unknown key is 401, a key without permission 403), and WorkOS's <c>X-Request-ID</c> on every answer.</summary>
internal sealed class ApiKeyMiddleware(RequestDelegate next, IOptionsMonitor<EmulatorOptions> options, EmulatorStatistics statistics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (EmulatorRoutes.IsWorkOsApi(context.Request.Path))
        {
            // The official SDKs put this id in every error they raise.
            context.Response.Headers["X-Request-ID"] = Guid.NewGuid().ToString();
            var header = context.Request.Headers.Authorization.ToString();
            var key = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
            var current = options.CurrentValue;
            if (current.ForbiddenApiKeys.Contains(key, StringComparer.Ordinal))
            {
                statistics.Refused(403);
                await Refuse(context, 403, "The API key does not have permission for this request.");
                return;
            }

            if (!current.ApiKeys.Contains(key, StringComparer.Ordinal))
            {
                statistics.Refused(401);
                await Refuse(context, 401, "Unauthorized");
                return;
            }
        }

        await next(context);
    }

    private static Task Refuse(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(WorkOsErrors.Message(message), context.RequestAborted);
    }
}
