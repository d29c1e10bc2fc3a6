using System.Text;
using AuditGen.Events;
using AuditGen.Pipeline;

namespace AuditGen.Stores;

/// <summary>
/// The SQL of an <see cref="AuditQuery"/>, for every store: which column each of WorkOS's export filters reads, how paging
/// goes by sequence in either direction, the order and the limit. A dialect writes only what differs between databases:
/// parameters, a test against a list of values, and the target-type test.
/// </summary>
internal abstract class AuditQuerySql
{
    /// <summary>Adds a parameter and returns how the SQL refers to it.</summary>
    protected abstract string Parameter(string name, object value);

    /// <summary>A condition that <paramref name="column"/> is one of <paramref name="values"/>.</summary>
    protected abstract string AnyOf(string column, string name, IReadOnlyList<string> values);

    /// <summary>A condition that the record has a target of one of <paramref name="types"/>.</summary>
    protected abstract string AnyTargetType(IReadOnlyList<string> types);

    /// <summary>An event id as the store keeps it.</summary>
    protected abstract object EventIdValue(AuditEventId eventId);

    /// <summary>A column as the query's FROM clause names it.</summary>
    protected virtual string Column(string name) => name;

    /// <summary>Appends the query's conditions to <paramref name="select"/> (which ends in a WHERE clause), then, when <paramref name="ordered"/>, its order and limit.</summary>
    public string Write(string select, AuditQuery query, bool ordered)
    {
        var sql = new StringBuilder(select);
        if (query.OrganizationId is { } organization)
        {
            And(sql, $"{Column("organization_id")} = {Parameter("organization", organization)}");
        }

        if (query.RangeStart is { } start)
        {
            And(sql, $"{Column("occurred_at")} >= {Parameter("start", start.ToUnixTimeMilliseconds())}");
        }

        if (query.RangeEnd is { } end)
        {
            And(sql, $"{Column("occurred_at")} < {Parameter("end", end.ToUnixTimeMilliseconds())}");
        }

        if (query.EventId is { } eventId)
        {
            And(sql, $"{Column("event_id")} = {Parameter("event_id", EventIdValue(eventId))}");
        }

        AndAnyOf(sql, "action", query.Actions);
        AndAnyOf(sql, "actor_name", query.ActorNames);
        AndAnyOf(sql, "actor_id", query.ActorIds);
        if (query.TargetTypes.Count > 0)
        {
            And(sql, AnyTargetType(query.TargetTypes));
        }

        if (query.AfterSequence is { } after)
        {
            And(sql, $"{Column("sequence")} {(query.NewestFirst ? "<" : ">")} {Parameter("after", after)}");
        }

        if (ordered)
        {
            sql.Append(" ORDER BY ").Append(Column("sequence")).Append(query.NewestFirst ? " DESC" : "");
            if (query.Limit is { } limit)
            {
                sql.Append(" LIMIT ").Append(Parameter("limit", limit));
            }
        }

        return sql.ToString();
    }

    private static void And(StringBuilder sql, string condition) => sql.Append(" AND ").Append(condition);

    private void AndAnyOf(StringBuilder sql, string column, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            And(sql, AnyOf(Column(column), column, values));
        }
    }
}
