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
        Build(connection, query with { Limit = null, NewestFirst = false }, $"SELECT count(*) FROM {schema}.audit_events e WHERE true", ordered: false);

    public static NpgsqlCommand Select(NpgsqlConnection connection, string schema, AuditQuery query) =>
        Build(connection, query, $"SELECT {EntryColumns} FROM {schema}.audit_events e WHERE true", ordered: true);

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

    private static NpgsqlCommand Build(NpgsqlConnection connection, AuditQuery query, string select, bool ordered)
    {
        var command = new NpgsqlCommand { Connection = connection };
        command.CommandText = new Dialect(command).Write(select, query, ordered);
        return command;
    }

    private sealed class Dialect(NpgsqlCommand command) : AuditQuerySql
    {
        protected override string Column(string name) => "e." + name;

        protected override string Parameter(string name, object value)
        {
            command.Parameters.AddWithValue(name, value);
            return "@" + name;
        }

        protected override string AnyOf(string column, string name, IReadOnlyList<string> values)
        {
            command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() });
            return $"{column} = ANY(@{name})";
        }

        protected override string AnyTargetType(IReadOnlyList<string> types)
        {
            command.Parameters.Add(new NpgsqlParameter("targets", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = types.ToArray() });
            return "e.target_types && @targets";
        }

        protected override object EventIdValue(AuditEventId eventId) => eventId.Value;
    }
}
