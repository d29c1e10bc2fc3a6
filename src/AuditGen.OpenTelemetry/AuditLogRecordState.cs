using System.Collections;
using System.Text;
using System.Text.Json;
using AuditGen.Pipeline;

namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>
/// An event as one log record's state: the stored WorkOS JSON as the body, and as attributes the event's id and
/// organization followed by every field of the event under <c>audit.</c> (<c>audit.action</c>, <c>audit.actor.id</c>,
/// <c>audit.targets.0.type</c>, <c>audit.metadata.plan</c>, …).
/// </summary>
internal sealed class AuditLogRecordState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private const string Prefix = "audit";

    private readonly List<KeyValuePair<string, object?>> _attributes;

    public AuditLogRecordState(StoredAuditEntry entry)
    {
        OccurredAt = entry.OccurredAt;
        Body = Encoding.UTF8.GetString(entry.EventJson.Span);
        _attributes =
        [
            new("audit.event_id", entry.EventId.ToString()),
            new("audit.organization_id", entry.OrganizationId),
        ];
        using var document = JsonDocument.Parse(entry.EventJson);
        Flatten(document.RootElement, Prefix, _attributes);
    }

    /// <summary>When the action happened: the log record's timestamp.</summary>
    public DateTimeOffset OccurredAt { get; }

    /// <summary>The event's WorkOS JSON as stored.</summary>
    public string Body { get; }

    public int Count => _attributes.Count;

    public KeyValuePair<string, object?> this[int index] => _attributes[index];

    public static string Format(AuditLogRecordState state, Exception? exception) => state.Body;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _attributes.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static void Flatten(JsonElement element, string path, List<KeyValuePair<string, object?>> attributes)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, $"{path}.{property.Name}", attributes);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{path}.{index++}"), attributes);
                }

                break;
            case JsonValueKind.String:
                attributes.Add(new(path, element.GetString()));
                break;
            case JsonValueKind.Number:
                attributes.Add(new(path, element.TryGetInt64(out var integer) ? integer : element.GetDouble()));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                attributes.Add(new(path, element.GetBoolean()));
                break;
        }
    }
}
