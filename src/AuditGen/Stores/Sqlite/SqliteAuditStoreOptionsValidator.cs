using AuditGen.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AuditGen.Stores.Sqlite;

/// <summary>
/// Checks <see cref="SqliteAuditStoreOptions"/> at start-up when SQLite is the store in use. A PostgreSQL connection
/// string in the configuration then means the PostgreSQL package is missing or not selected: that fails, rather than
/// writing the audit log to a SQLite file nobody expects.
/// </summary>
internal sealed class SqliteAuditStoreOptionsValidator(AuditStoreSelection selection, IConfiguration? configuration = null)
    : IValidateOptions<SqliteAuditStoreOptions>
{
    private const string PostgreSqlConnectionStringKey = "AuditGen:PostgreSql:ConnectionString";

    public ValidateOptionsResult Validate(string? name, SqliteAuditStoreOptions options)
    {
        if (selection.Store != AuditStoreSelection.Sqlite)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new OptionsFailures(SqliteAuditStoreOptions.SectionName);
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add($"{failures.Key(nameof(options.Path))} must name the audit database file.");
        }

        failures.Base64Key(nameof(options.ChainKey), options.ChainKey);
        if (!string.IsNullOrWhiteSpace(configuration?[PostgreSqlConnectionStringKey]))
        {
            failures.Add(
                $"{PostgreSqlConnectionStringKey} is set, but the audit log is stored in SQLite: add the AuditGen.PostgreSql package " +
                "(dotnet add package AuditGen.PostgreSql) and call AddAuditGen().UsePostgreSql(), or remove the setting.");
        }

        return failures.Result;
    }
}
