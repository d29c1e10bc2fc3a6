using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Stores.Sqlite;

/// <summary>Checks <see cref="SqliteAuditStoreOptions"/> at start-up, when SQLite is the store in use.</summary>
internal sealed class SqliteAuditStoreOptionsValidator(AuditStoreSelection selection) : IValidateOptions<SqliteAuditStoreOptions>
{
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
        return failures.Result;
    }
}
