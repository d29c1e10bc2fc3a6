using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace AuditGen.AspNetCore;

/// <summary>
/// The outermost middleware (added by a startup filter). It wraps routing, authentication,
/// authorization and the endpoint, so it also sees requests that never reached the handler:
/// 401/403 from authorization, 400 from binding, and exceptions, which it records and rethrows unchanged.
/// </summary>
internal sealed class AuditHttpMiddleware(RequestDelegate next, AuditRequestRecorder recorder)
{
    public async Task InvokeAsync(HttpContext httpContext)
    {
        httpContext.Features.Set<IEndpointFeature>(new AuditedEndpointFeature(httpContext.Features));
        try
        {
            await next(httpContext);
        }
        catch (Exception exception)
        {
            recorder.Record(httpContext, exception);
            throw;
        }

        recorder.Record(httpContext, null);
    }
}
