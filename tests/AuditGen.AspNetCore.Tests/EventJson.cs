using System.Text.Json;
using System.Text.RegularExpressions;

namespace AuditGen.AspNetCore.Tests;

internal static partial class EventJson
{
    /// <summary>The request body with <c>occurred_at</c> checked for WorkOS's format and replaced by <c>TIME</c>, for exact comparison.</summary>
    public static string Normalize(JsonElement body)
    {
        var occurredAt = body.GetProperty("event").GetProperty("occurred_at").GetString()!;
        Assert.Matches(Timestamp(), occurredAt);
        return body.GetRawText().Replace(occurredAt, "TIME", StringComparison.Ordinal);
    }

    public static string Action(this JsonElement body) => body.GetProperty("event").GetProperty("action").GetString()!;

    public static bool HasTarget(this JsonElement body, string type, string id) =>
        body.GetProperty("event").GetProperty("targets").EnumerateArray()
            .Any(t => t.GetProperty("type").GetString() == type && t.GetProperty("id").GetString() == id);

    public static JsonElement Metadata(this JsonElement body) => body.GetProperty("event").GetProperty("metadata");

    public static string Location(this JsonElement body) => body.GetProperty("event").GetProperty("context").GetProperty("location").GetString()!;

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex Timestamp();
}
