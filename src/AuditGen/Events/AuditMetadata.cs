using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace AuditGen.Events;

/// <summary>
/// A flat metadata object (on the event, the actor, or a target). Keys keep the order they
/// were first set in, so the JSON is the same every time; setting a key again replaces its value.
/// </summary>
[JsonConverter(typeof(AuditMetadataJsonConverter))]
[SuppressMessage("Naming", "CA1710:Identifiers should have correct suffix", Justification = "Named after WorkOS's 'metadata' object.")]
public sealed class AuditMetadata : IReadOnlyDictionary<string, AuditMetadataValue>
{
    private readonly List<KeyValuePair<string, AuditMetadataValue>> _entries = [];

    /// <summary>Gets or sets the value of <paramref name="key"/>.</summary>
    public AuditMetadataValue this[string key]
    {
        get => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"The metadata has no key '{key}'.");
        set
        {
            ArgumentNullException.ThrowIfNull(key);
            var index = IndexOf(key);
            if (index >= 0)
            {
                _entries[index] = new(key, value);
            }
            else
            {
                _entries.Add(new(key, value));
            }
        }
    }

    /// <inheritdoc />
    public int Count => _entries.Count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => _entries.Select(static entry => entry.Key);

    /// <inheritdoc />
    public IEnumerable<AuditMetadataValue> Values => _entries.Select(static entry => entry.Value);

    /// <summary>Adds a key, failing if it is already present.</summary>
    /// <exception cref="ArgumentException">The key is already present.</exception>
    public void Add(string key, AuditMetadataValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (IndexOf(key) >= 0)
        {
            throw new ArgumentException($"The metadata already has a key '{key}'.", nameof(key));
        }

        _entries.Add(new(key, value));
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out AuditMetadataValue value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _entries[index].Value : default;
        return index >= 0;
    }

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, AuditMetadataValue>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = 0; i < _entries.Count; i++)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
