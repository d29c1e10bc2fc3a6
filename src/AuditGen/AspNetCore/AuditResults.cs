using Microsoft.AspNetCore.Http;

namespace AuditGen.AspNetCore;

/// <summary>Finds the value inside a handler's result: <c>Results&lt;Ok&lt;T&gt;, NotFound&gt;</c> → <c>Ok&lt;T&gt;</c> → <c>T</c>.</summary>
internal static class AuditResults
{
    public static object? Unwrap(object? result)
    {
        for (var depth = 0; depth < 4; depth++)
        {
            switch (result)
            {
                case INestedHttpResult nested:
                    result = nested.Result;
                    break;
                case IValueHttpResult valued:
                    return valued.Value;
                default:
                    return result;
            }
        }

        return result;
    }

    /// <summary>The status a handler's result will answer with, before it is written: what strict mode records.</summary>
    public static int StatusCode(object? result, HttpContext httpContext)
    {
        for (var depth = 0; depth < 4 && result is INestedHttpResult nested; depth++)
        {
            result = nested.Result;
        }

        return result is IStatusCodeHttpResult { StatusCode: { } statusCode } ? statusCode : httpContext.Response.StatusCode;
    }
}
