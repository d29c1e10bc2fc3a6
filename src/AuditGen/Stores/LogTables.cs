using System.Data.Common;

namespace AuditGen.Stores;

/// <summary>
/// A log's tables as rules shared by every database read and change them: through ADO.NET, inside one transaction, in
/// SQL that SQLite and PostgreSQL both speak (named <c>@</c> parameters, tables named with <paramref name="prefix"/>).
/// </summary>
/// <param name="connection">The log's connection.</param>
/// <param name="transaction">The transaction every command joins.</param>
/// <param name="prefix">What names the log's tables: <c>main.</c> for SQLite, the schema and a dot for PostgreSQL.</param>
internal sealed class LogTables(DbConnection connection, DbTransaction transaction, string prefix)
{
    /// <summary>The prefix of the log's table names.</summary>
    public string Prefix => prefix;

    public DbCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public object? Scalar(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    public void Execute(string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(sql, parameters);
        command.ExecuteNonQuery();
    }
}
