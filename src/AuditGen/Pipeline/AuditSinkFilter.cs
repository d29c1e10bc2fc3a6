using System.Text.Json;

namespace AuditGen.Pipeline;

/// <summary>Which events a sink receives, bound from its <c>Filter</c> section. Every condition set must hold.</summary>
public sealed class AuditSinkFilter
{
    /// <summary>Only these organizations' events; empty for every organization.</summary>
    public IList<string> Organizations { get; } = [];

    /// <summary>Only these actions; an entry ending in <c>*</c> matches a prefix (<c>user.*</c>). Empty for every action.</summary>
    public IList<string> Actions { get; } = [];

    /// <summary>Only events whose <c>outcome</c> metadata is <c>failure</c> (refused, failed or thrown requests).</summary>
    public bool FailuresOnly { get; set; }

    /// <summary>Whether the sink receives <paramref name="entry"/>.</summary>
    public bool Matches(StoredAuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return (Organizations.Count == 0 || Organizations.Contains(entry.OrganizationId, StringComparer.Ordinal))
            && (Actions.Count == 0 || Actions.Any(action => MatchesAction(action, entry.Action)))
            && (!FailuresOnly || IsFailure(entry.EventJson.Span));
    }

    private static bool MatchesAction(string pattern, string action) =>
        pattern.EndsWith('*')
            ? action.StartsWith(pattern.AsSpan(0, pattern.Length - 1), StringComparison.Ordinal)
            : string.Equals(pattern, action, StringComparison.Ordinal);

    /// <summary>Whether the event's top-level <c>metadata.outcome</c> is <c>failure</c>.</summary>
    private static bool IsFailure(ReadOnlySpan<byte> eventJson)
    {
        var reader = new Utf8JsonReader(eventJson);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isMetadata = reader.ValueTextEquals("metadata"u8);
            reader.Read();
            if (!isMetadata || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isOutcome = reader.ValueTextEquals("outcome"u8);
                reader.Read();
                if (isOutcome)
                {
                    return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("failure"u8);
                }

                reader.Skip();
            }

            return false;
        }

        return false;
    }
}
