using System.Buffers;
using System.Text;
using System.Text.Json;
using AuditGen.Ledger;

namespace AuditGen.Stores.Sqlite;

/// <summary>
/// The <c>target_types</c> column: <see cref="FilterColumns.TargetTypes"/> as a JSON array, which the target-type
/// filter reads with <c>json_each</c>.
/// </summary>
internal static class SqliteTargetTypes
{
    private const string None = "[]";

    private static readonly SearchValues<char> s_plain = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:");

    /// <summary>The column of <paramref name="types"/>, distinct and in order (<see cref="FilterColumns.TargetTypes"/>).</summary>
    public static string Write(IReadOnlyList<string> types)
    {
        if (types.Count == 0)
        {
            return None;
        }

        // Integration writes this for every record: types that need no escaping (the usual ones) are quoted directly.
        if (types.All(static type => type.AsSpan().IndexOfAnyExcept(s_plain) < 0))
        {
            return "[\"" + string.Join("\",\"", types) + "\"]";
        }

        var buffer = new ArrayBufferWriter<byte>(16 * types.Count + 2);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var type in types)
            {
                writer.WriteStringValue(type);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The stored types, or <see langword="null"/> when the column is not a JSON array of strings (it was altered).</summary>
    public static IReadOnlyList<string>? Read(string column)
    {
        try
        {
            using var document = JsonDocument.Parse(column);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var types = new List<string>(document.RootElement.GetArrayLength());
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                types.Add(element.GetString()!);
            }

            return types;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
