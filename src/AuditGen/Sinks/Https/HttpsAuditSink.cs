using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AuditGen.Pipeline;
using AuditGen.Sinks.Http;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.Https;

/// <summary>
/// Posts batches to an HTTPS endpoint as a JSON array or JSON Lines of <c>{"id","organization_id","event"}</c>, the
/// event being its WorkOS JSON as stored, optionally signed with HMAC-SHA256. At least once: a batch whose answer was
/// lost is sent again, so receivers deduplicate on <c>id</c>.
/// </summary>
internal sealed class HttpsAuditSink(IHttpClientFactory httpClientFactory, IOptionsMonitor<HttpsSinkOptions> options, TimeProvider timeProvider) : IAuditBatchSink
{
    public const string SinkName = "https";

    public const string HttpClientName = "AuditGen.Https";

    private const string Destination = "the HTTPS endpoint";

    public string Name => SinkName;

    public int MaxBatchSize => options.CurrentValue.MaxBatchSize;

    /// <summary>A request's bound, so that no batch makes an unbounded body.</summary>
    public int MaxBatchBytes => 8 * 1024 * 1024;

    public AuditSinkFilter Filter => options.CurrentValue.Filter;

    public async ValueTask<AuditDeliveryResult> DeliverBatchAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        var current = options.CurrentValue;
        var body = Body(entries, current.Format);
        var request = new HttpRequestMessage(HttpMethod.Post, current.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(current.Format == HttpsBodyFormat.JsonLines ? "application/x-ndjson" : "application/json");
        foreach (var (header, value) in current.Headers)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        if (current.SigningSecret is { } secret)
        {
            request.Headers.TryAddWithoutValidation(current.SignatureHeader, Signature(secret, timeProvider.GetUtcNow(), body));
        }

        string?[] credentials = [current.SigningSecret, .. current.Headers.Values];
        var (answer, failure) = await HttpDelivery.SendAsync(httpClientFactory.CreateClient(HttpClientName), request, Destination, current, credentials, timeProvider, cancellationToken);
        return failure ?? HttpDelivery.Settle(answer!, Destination, current);
    }

    /// <summary><c>t={unix seconds},v1={lowercase hex of HMAC-SHA256(secret, "{t}." + body)}</c>.</summary>
    internal static string Signature(string secret, DateTimeOffset now, ReadOnlySpan<byte> body)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = new byte[timestamp.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(timestamp, signed);
        signed[timestamp.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(timestamp.Length + 1));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    private static byte[] Body(IReadOnlyList<StoredAuditEntry> entries, HttpsBodyFormat format)
    {
        var buffer = new ArrayBufferWriter<byte>(entries.Sum(static entry => entry.EventJson.Length + 128));
        using var writer = new Utf8JsonWriter(buffer);
        if (format == HttpsBodyFormat.JsonArray)
        {
            writer.WriteStartArray();
        }

        foreach (var entry in entries)
        {
            StreamRecord.Write(writer, entry);
            if (format == HttpsBodyFormat.JsonLines)
            {
                writer.Flush();
                buffer.Write("\n"u8);
                writer.Reset();
            }
        }

        if (format == HttpsBodyFormat.JsonArray)
        {
            writer.WriteEndArray();
        }

        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
