using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;

namespace AuditGen.AspNetCore.Viewer;

/// <summary>The viewer's page, style sheet and script, embedded in the assembly and served with strict security headers.</summary>
internal static class AuditLogViewerAssets
{
    private const string ContentSecurityPolicy = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private static readonly FrozenDictionary<string, (string ContentType, byte[] Content)> s_assets = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal)
    {
        ["index.html"] = ("text/html; charset=utf-8", Read("index.html")),
        ["viewer.css"] = ("text/css; charset=utf-8", Read("viewer.css")),
        ["viewer.js"] = ("text/javascript; charset=utf-8", Read("viewer.js")),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static Task WriteAsync(HttpContext context, string name)
    {
        if (!s_assets.TryGetValue(name, out var asset))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        SetSecurityHeaders(context.Response);
        context.Response.ContentType = asset.ContentType;
        context.Response.ContentLength = asset.Content.Length;
        return context.Response.Body.WriteAsync(asset.Content, context.RequestAborted).AsTask();
    }

    /// <summary>For every viewer response: nothing cached, framed, sniffed or sent on as a referrer.</summary>
    public static void SetSecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.CacheControl = "no-store";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static byte[] Read(string name)
    {
        using var stream = typeof(AuditLogViewerAssets).Assembly.GetManifestResourceStream($"AuditGen.Viewer.{name}")
            ?? throw new InvalidOperationException($"The viewer asset {name} is missing from the AuditGen assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
