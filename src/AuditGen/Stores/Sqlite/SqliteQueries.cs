using System.Globalization;
using AuditGen.Events;
using AuditGen.Pipeline;
using Microsoft.Data.Sqlite;

namespace AuditGen.Stores.Sqlite;

/// <summary>Turns an <see cref="AuditQuery"/> into parameterised SQL over the filter columns, and rows back into entries.</summary>
internal static class SqliteQueries
{
    public static SqliteCommand Count(SqliteConnection connection, AuditQuery query) =>
        Build(connection, query with { Limit = null, NewestFirst = false }, "SELECT count(*) FROM audit_events WHERE 1 = 1", ordered: false);

    public static SqliteCommand Select(SqliteConnection connection, AuditQuery query) =>
        Build(connection, query, "SELECT sequence, event_id, organization_id, action, occurred_at, event_json, adjustments, rejection FROM audit_events WHERE 1 = 1", ordered: true);

    /// <summary>Dead-lettered entries of a sink whose re-delivery was requested, in store order; read with <see cref="ReadRedrive"/>.</summary>
    public static SqliteCommand SelectRedrives(SqliteConnection connection, string sinkName, int maxCount)
    {
        var command = connection.CreateCommand();
        command.CommandText = """
            SELECT e.sequence, e.event_id, e.organization_id, e.action, e.occurred_at, e.event_json, e.adjustments, e.rejection, d.redrive_requested_at
            FROM audit_dead_letters d JOIN audit_events e ON e.sequence = d.sequence
            WHERE d.sink = $sink AND d.redrive_requested_at IS NOT NULL
            ORDER BY d.sequence LIMIT $limit
            """;
        command.Parameters.AddWithValue("$sink", sinkName);
        command.Parameters.AddWithValue("$limit", maxCount);
        return command;
    }

    private static SqliteCommand Build(SqliteConnection connection, AuditQuery query, string select, bool ordered)
    {
        var command = connection.CreateCommand();
        command.CommandText = new Dialect(command).Write(select, query, ordered);
        return command;
    }

    public static StoredAuditEntry Read(SqliteDataReader reader)
    {
        var adjustments = reader.GetString(6);
        return new StoredAuditEntry(
            reader.GetInt64(0),
            AuditEventId.FromGuid(Guid.Parse(reader.GetString(1))),
            reader.GetString(2),
            reader.GetString(3),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
            reader.GetFieldValue<byte[]>(5),
            adjustments.Length == 0 ? [] : adjustments.Split('\n'),
            reader.IsDBNull(7) ? null : reader.GetString(7));
    }

    public static StoredAuditEntry ReadRedrive(SqliteDataReader reader) =>
        Read(reader).ForRedrive(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)));

    private sealed class Dialect(SqliteCommand command) : AuditQuerySql
    {
        protected override string Parameter(string name, object value)
        {
            command.Parameters.AddWithValue("$" + name, value);
            return "$" + name;
        }

        protected override string AnyOf(string column, string name, IReadOnlyList<string> values) =>
            $"{column} IN ({string.Join(", ", values.Select((value, i) => Parameter(name + i.ToString(CultureInfo.InvariantCulture), value)))})";

        protected override string AnyTargetType(IReadOnlyList<string> types) =>
            $"EXISTS (SELECT 1 FROM json_each(target_types) WHERE {AnyOf("value", "target", types)})";

        protected override object EventIdValue(AuditEventId eventId) => eventId.ToString();
    }
}
