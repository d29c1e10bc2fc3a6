using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace AuditGen.Sinks.WorkOs;

/// <summary>
/// The WorkOS Audit Logs API as AuditGen calls it: the requests (as the official SDKs send them) and
/// what the answers mean. Shared by the sink and the CLI's <c>schemas push</c>.
/// </summary>
internal static class WorkOsApi
{
    public const string CreateEventPath = "audit_logs/events";

    private const int MaxKeptErrorBody = 2_000;

    private static readonly ProductInfoHeaderValue s_userAgent =
        new("AuditGen", typeof(WorkOsApi).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");

    public static HttpRequestMessage CreateEventRequest(Uri baseUrl, string apiKey, byte[] body, string idempotencyKey)
    {
        var request = Post(baseUrl, CreateEventPath, apiKey, body);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    public static HttpRequestMessage CreateSchemaRequest(Uri baseUrl, string apiKey, string action, byte[] body) =>
        Post(baseUrl, $"audit_logs/actions/{Uri.EscapeDataString(action)}/schemas", apiKey, body);

    private static HttpRequestMessage Post(Uri baseUrl, string path, string apiKey, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(WithTrailingSlash(baseUrl), path)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.UserAgent.Add(s_userAgent);
        return request;
    }

    private static Uri WithTrailingSlash(Uri baseUrl) =>
        baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");

    /// <summary>
    /// "400 Bad Request: Invalid Audit Log event. {body}": the status and WorkOS's own words, kept beside a dead letter, with
    /// the API key cut out wherever WorkOS (or a proxy) echoed it.
    /// </summary>
    public static async Task<string> DescribeAsync(HttpResponseMessage response, string? apiKey, CancellationToken cancellationToken)
    {
        var body = DestinationText.Scrub(await response.Content.ReadAsStringAsync(cancellationToken), int.MaxValue, apiKey);
        var description = new StringBuilder()
            .Append((int)response.StatusCode).Append(' ').Append(response.ReasonPhrase ?? response.StatusCode.ToString());
        if (Message(body) is { } message)
        {
            description.Append(": ").Append(message);
        }

        if (body.Length > 0)
        {
            description.Append(' ').Append(DestinationText.Scrub(body, MaxKeptErrorBody));
        }

        return description.ToString();
    }

    private static string? Message(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
