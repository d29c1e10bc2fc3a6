
namespace AuditGen.Sinks.Https;

/// <summary>Delivery to any HTTPS endpoint (a SIEM's webhook, your own collector), bound from <c>AuditGen:Https</c>.</summary>
public sealed class HttpsSinkOptions : AuditStreamSinkOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:Https";

    /// <summary>Where batches are posted.</summary>
    public Uri? Url { get; set; }

    /// <summary>How a batch is written: a JSON array (default) or JSON Lines, one event per line.</summary>
    public HttpsBodyFormat Format { get; set; } = HttpsBodyFormat.JsonArray;

    /// <summary>Headers sent with every request, such as <c>Authorization</c>. Their values are never logged.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A shared secret (at least 32 characters) to sign every request with HMAC-SHA256: the header
    /// <see cref="SignatureHeader"/> carries <c>t=UNIX_SECONDS,v1=HEX</c>, the HMAC of <c>"{t}.{body}"</c>. Unset: unsigned.
    /// </summary>
    public string? SigningSecret { get; set; }

    /// <summary>The header carrying the signature (default <c>AuditGen-Signature</c>).</summary>
    public string SignatureHeader { get; set; } = "AuditGen-Signature";
}

/// <summary>The body of a batch sent by the HTTPS sink.</summary>
public enum HttpsBodyFormat
{
    /// <summary><c>[{...},{...}]</c> as <c>application/json</c>.</summary>
    JsonArray,

    /// <summary>One object per line as <c>application/x-ndjson</c>.</summary>
    JsonLines,
}
