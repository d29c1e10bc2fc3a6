using System.IO.Compression;

namespace AuditGen.WorkOsEmulator.Streams;

/// <summary>A receiver's request body, decompressed as its <c>Content-Encoding</c> says, refused past a limit.</summary>
internal static class RequestBody
{
    /// <summary>The body, or <see langword="null"/> when it is longer than <paramref name="limit"/> bytes once decompressed.</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var encoding = request.Headers.ContentEncoding.ToString();
        var source = encoding switch
        {
            "gzip" => new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "deflate" => new ZLibStream(request.Body, CompressionMode.Decompress, leaveOpen: true),
            "" or "identity" => request.Body,
            _ => throw new BadHttpRequestException($"Unsupported Content-Encoding '{encoding}'.", StatusCodes.Status415UnsupportedMediaType),
        };
        try
        {
            using var body = new MemoryStream();
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (body.Length + read > limit)
                {
                    return null;
                }

                body.Write(buffer, 0, read);
            }

            return body.ToArray();
        }
        finally
        {
            if (source != request.Body)
            {
                await source.DisposeAsync();
            }
        }
    }
}
