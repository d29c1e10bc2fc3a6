using System.Text;
using AuditGen.Events;
using AuditGen.Pipeline;
using Npgsql;
using NpgsqlTypes;

namespace AuditGen.Stores.PostgreSql;

/// <summary>Turns an <see cref="AuditQuery"/> into parameterised SQL over the filter columns, and rows back into entries.</summary>
internal static class PostgreSqlQueries
{
    public const string EntryColumns = "e.sequence, e.event_id, e.organization_id, e.action, e.occurred_at, e.event_json, e.adjustments, e.rejection";

    public static NpgsqlCommand Count(NpgsqlConnection connection, string schema, AuditQuery query) =>
        Build(connection, query with { Limit = null, NewestFirst = false }, $"SELECT count(*) FROM {schema}.audit_events e WHERE true", schema, ordered: false);

    public static NpgsqlCommand Select(NpgsqlConnection connection, string schema, AuditQuery query) =>
        Build(connection, query, $"SELECT {EntryColumns} FROM {schema}.audit_events e WHERE true", schema, ordered: true);

    /// <summary>Reads <see cref="EntryColumns"/> in column order, as sequential access (used for large exports) requires.</summary>
    public static StoredAuditEntry Read(NpgsqlDataReader reader)
    {
        var sequence = reader.GetInt64(0);
        var eventId = AuditEventId.FromGuid(reader.GetGuid(1));
        var organizationId = reader.GetString(2);
        var action = reader.GetString(3);
        var occurredAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4));
        var eventJson = reader.GetFieldValue<byte[]>(5);
        var adjustments = reader.GetString(6);
        var rejection = reader.IsDBNull(7) ? null : reader.GetString(7);
        return new StoredAuditEntry(sequence, eventId, organizationId, action, occurredAt, eventJson, adjustments.Length == 0 ? [] : adjustments.Split('\n'), rejection);
    }

    private static NpgsqlCommand Build(NpgsqlConnection connection, AuditQuery query, string select, string schema, bool ordered)
    {
        var command = new NpgsqlCommand { Connection = connection };
        var sql = new StringBuilder(select);
        if (query.OrganizationId is not null)
        {
            sql.Append(" AND e.organization_id = @organization");
            command.Parameters.AddWithValue("organization", query.OrganizationId);
        }

        if (query.RangeStart is { } start)
        {
            sql.Append(" AND e.occurred_at >= @start");
            command.Parameters.AddWithValue("start", start.ToUnixTimeMilliseconds());
        }

        if (query.RangeEnd is { } end)
        {
            sql.Append(" AND e.occurred_at < @end");
            command.Parameters.AddWithValue("end", end.ToUnixTimeMilliseconds());
        }

        if (query.EventId is { } eventId)
        {
            sql.Append(" AND e.event_id = @event_id");
            command.Parameters.AddWithValue("event_id", eventId.Value);
        }

        AnyOf(command, sql, "e.action", "actions", query.Actions);
        AnyOf(command, sql, "e.actor_name", "actor_names", query.ActorNames);
        AnyOf(command, sql, "e.actor_id", "actor_ids", query.ActorIds);
        if (query.TargetTypes.Count > 0)
        {
            sql.Append(" AND e.target_types && @targets");
            command.Parameters.Add(new NpgsqlParameter("targets", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.TargetTypes.ToArray() });
        }

        if (query.AfterSequence is { } after)
        {
            sql.Append(query.NewestFirst ? " AND e.sequence < @after" : " AND e.sequence > @after");
            command.Parameters.AddWithValue("after", after);
        }

        if (ordered)
        {
            sql.Append(query.NewestFirst ? " ORDER BY e.sequence DESC" : " ORDER BY e.sequence");
        }

        if (query.Limit is { } limit)
        {
            sql.Append(" LIMIT @limit");
            command.Parameters.AddWithValue("limit", limit);
        }

        command.CommandText = sql.ToString();
        return command;
    }

    private static void AnyOf(NpgsqlCommand command, StringBuilder sql, string column, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        sql.Append(" AND ").Append(column).Append(" = ANY(@").Append(name).Append(')');
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() });
    }
}
