using System.Data.Common;
using AuditGen.Pipeline;

namespace AuditGen.Stores;

/// <summary>Reads a dead letter the way both stores select it: sequence, reason, dead_lettered_at, redrive_requested_at.</summary>
internal static class DeadLetterRows
{
    public const string Columns = "sequence, reason, dead_lettered_at, redrive_requested_at";

    public static AuditDeadLetter Read(DbDataReader reader, string sinkName) => new(
        sinkName,
        reader.GetInt64(0),
        reader.GetString(1),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
}
