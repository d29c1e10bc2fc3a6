using Microsoft.AspNetCore.Http;
using AuditGen.Catalog;

namespace AuditGen.AspNetCore;

/// <summary>
/// Added to audited minimal-API endpoints only. It reads the declared sources from the bound
/// arguments before the handler runs and from the result after it returns; in strict mode it commits
/// the event before the result is written.
/// </summary>
internal sealed class AuditEndpointFilter(AuditSite site, AuditedAttribute attribute, AuditRequestRecorder recorder) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var draft = context.HttpContext.GetAuditEventDraft();
        site.ApplyConstantsOnce(draft);

        // With the Request Delegate Generator the filter chain runs even when binding failed (400
        // already set) and the arguments are defaults; the request's own values are read instead.
        if (context.HttpContext.Response.StatusCode != StatusCodes.Status400BadRequest)
        {
            AuditRequestRecorder.Capture(site, draft, static (site, draft, arguments) => site.CaptureFromArguments(arguments, draft), context.Arguments);
            draft.ArgumentsCaptured = true;
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception exception)
        {
            // An exception handler inside the pipeline may turn this into a plain 500 before the middleware sees it.
            draft.ExceptionType = exception.GetType().FullName;
            throw;
        }

        AuditRequestRecorder.Capture(site, draft, static (site, draft, value) => site.CaptureFromResult("", value, draft), AuditResults.Unwrap(result));

        // Strict mode: the result is not written yet, so the event can be committed first, or the request refused.
        if (recorder.IsStrict(attribute) && !await recorder.CommitBeforeResponseAsync(context.HttpContext, site, AuditResults.StatusCode(result, context.HttpContext)))
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The audit log could not record this action.");
        }

        return result;
    }
}
