using Microsoft.AspNetCore.Http;
using AuditGen.Catalog;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Filters;

namespace AuditGen.AspNetCore;

/// <summary>
/// The MVC counterpart of <see cref="AuditEndpointFilter"/>, registered as a global action filter:
/// reads the declared sources from the action's arguments and result.
/// </summary>
internal sealed class AuditMvcActionFilter(AuditRequestRecorder recorder) : IAsyncActionFilter
{
    private static object? Unwrap(IActionResult? result) => result is ObjectResult objectResult ? objectResult.Value : AuditResults.Unwrap(result);

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var metadata = context.HttpContext.GetEndpoint()?.Metadata;
        var site = metadata?.GetMetadata<AuditSite>() ?? (metadata is null ? null : AuditSiteLookup.Find(metadata));
        if (site is null)
        {
            await next();
            return;
        }

        var actionMethod = (context.ActionDescriptor as ControllerActionDescriptor)?.MethodInfo.Name ?? "";
        var draft = context.HttpContext.GetAuditEventDraft();
        site.ApplyConstantsOnce(draft);
        AuditRequestRecorder.Capture(site, draft, (site, draft, arguments) => site.CaptureFromActionArguments(actionMethod, arguments, draft), context.ActionArguments);
        draft.ArgumentsCaptured = true;

        var executed = await next();
        if (executed.Exception is { } exception && !executed.ExceptionHandled)
        {
            draft.ExceptionType = exception.GetType().FullName;
        }

        AuditRequestRecorder.Capture(site, draft, (site, draft, result) => site.CaptureFromResult(actionMethod, Unwrap(result), draft), executed.Result);

        if (executed.Exception is null && recorder.IsStrict(metadata!.GetMetadata<AuditedAttribute>()))
        {
            var statusCode = (executed.Result as IStatusCodeActionResult)?.StatusCode ?? StatusCodes.Status200OK;
            if (!await recorder.CommitBeforeResponseAsync(context.HttpContext, site, statusCode))
            {
                executed.Result = new ObjectResult(new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "The audit log could not record this action." })
                {
                    StatusCode = StatusCodes.Status503ServiceUnavailable,
                };
            }
        }
    }
}
