using System.Text;
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
        var sql = new StringBuilder(select);
        if (query.OrganizationId is not null)
        {
            sql.Append(" AND organization_id = $organization");
            command.Parameters.AddWithValue("$organization", query.OrganizationId);
        }

        if (query.RangeStart is { } start)
        {
            sql.Append(" AND occurred_at >= $start");
            command.Parameters.AddWithValue("$start", start.ToUnixTimeMilliseconds());
        }

        if (query.RangeEnd is { } end)
        {
            sql.Append(" AND occurred_at < $end");
            command.Parameters.AddWithValue("$end", end.ToUnixTimeMilliseconds());
        }

        if (query.EventId is { } eventId)
        {
            sql.Append(" AND event_id = $event_id");
            command.Parameters.AddWithValue("$event_id", eventId.ToString());
        }

        AnyOf(command, sql, "action", "$action", query.Actions);
        AnyOf(command, sql, "actor_name", "$actor_name", query.ActorNames);
        AnyOf(command, sql, "actor_id", "$actor_id", query.ActorIds);
        if (query.TargetTypes.Count > 0)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM json_each(target_types) WHERE ");
            AnyOf(command, sql, "value", "$target", query.TargetTypes, leading: "");
            sql.Append(')');
        }

        if (query.AfterSequence is { } after)
        {
            sql.Append(query.NewestFirst ? " AND sequence < $after" : " AND sequence > $after");
            command.Parameters.AddWithValue("$after", after);
        }

        if (ordered)
        {
            sql.Append(query.NewestFirst ? " ORDER BY sequence DESC" : " ORDER BY sequence");
        }

        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT $limit");
            command.Parameters.AddWithValue("$limit", limit);
        }

        command.CommandText = sql.ToString();
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

    private static void AnyOf(SqliteCommand command, StringBuilder sql, string column, string prefix, IReadOnlyList<string> values, string leading = " AND ")
    {
        if (values.Count == 0)
        {
            return;
        }

        sql.Append(leading).Append(column).Append(" IN (");
        for (var i = 0; i < values.Count; i++)
        {
            var name = $"{prefix}{i}";
            sql.Append(i == 0 ? "" : ", ").Append(name);
            command.Parameters.AddWithValue(name, values[i]);
        }

        sql.Append(')');
    }
}
