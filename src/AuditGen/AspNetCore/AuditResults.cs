using Microsoft.AspNetCore.Http;

namespace AuditGen.AspNetCore;

/// <summary>Finds the value inside a handler's result: <c>Results&lt;Ok&lt;T&gt;, NotFound&gt;</c> → <c>Ok&lt;T&gt;</c> → <c>T</c>.</summary>
internal static class AuditResults
{
    public static object? Unwrap(object? result) => Innermost(result) switch
    {
        IValueHttpResult valued => valued.Value,
        var other => other,
    };

    /// <summary>The status a handler's result will answer with, before it is written: what strict mode records.</summary>
    public static int StatusCode(object? result, HttpContext httpContext) =>
        Innermost(result) is IStatusCodeHttpResult { StatusCode: { } statusCode } ? statusCode : httpContext.Response.StatusCode;

    /// <summary>The result inside <c>Results&lt;T1, T2&gt;</c> (nested at most a few levels deep).</summary>
    private static object? Innermost(object? result)
    {
        for (var depth = 0; depth < 4 && result is INestedHttpResult nested; depth++)
        {
            result = nested.Result;
        }

        return result;
    }
}
