using System.Globalization;
using System.Text.Json;
using AuditGen.Events;

namespace AuditGen.Ledger;

/// <summary>
/// What every store keeps beside the event JSON for the export filters: derived from the event when it is stored, and
/// checked against the hashed JSON when the log is verified, so an edited column cannot hide a record from a filter.
/// </summary>
internal static class FilterColumns
{
    /// <summary>The event's distinct target types, in ordinal order.</summary>
    public static string[] TargetTypes(IReadOnlyList<AuditTarget?>? targets) =>
        targets is null || targets.Count == 0
            ? []
            : targets.Select(static target => target?.Type ?? "").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The first filter column that disagrees with the event JSON it was derived from, or <see langword="null"/>.
    /// <paramref name="targetTypes"/> is <see langword="null"/> when the stored column could not even be read.
    /// </summary>
    public static string? FirstMismatch(ReadOnlySpan<byte> eventJson, string action, long occurredAt, string actorId, string? actorName, IReadOnlyList<string>? targetTypes)
    {
        using var document = JsonDocument.Parse(eventJson.ToArray());
        var root = document.RootElement;
        static string? Text(JsonElement element, string name) =>
            element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        var actor = root.TryGetProperty("actor", out var actorElement) ? actorElement : default;
        var jsonOccurredAt = Text(root, "occurred_at") is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed.ToUnixTimeMilliseconds()
            : (long?)null;
        var jsonTargetTypes = root.TryGetProperty("targets", out var targets) && targets.ValueKind == JsonValueKind.Array
            ? string.Join('\n', targets.EnumerateArray().Select(t => Text(t, "type") ?? "").Distinct().Order(StringComparer.Ordinal))
            : "";

        if ((Text(root, "action") ?? "") != action)
        {
            return "action";
        }

        if (jsonOccurredAt != occurredAt)
        {
            return "occurred_at";
        }

        if ((Text(actor, "id") ?? "") != actorId)
        {
            return "actor_id";
        }

        if (Text(actor, "name") != actorName)
        {
            return "actor_name";
        }

        var storedTypes = targetTypes is null ? null : string.Join('\n', targetTypes.Order(StringComparer.Ordinal));
        return storedTypes != jsonTargetTypes ? "target_types" : null;
    }
}
