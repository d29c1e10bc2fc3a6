using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Stores.PostgreSql;

/// <summary>Checks <see cref="PostgreSqlAuditStoreOptions"/> at start-up, when PostgreSQL is the store in use.</summary>
internal sealed class PostgreSqlAuditStoreOptionsValidator(AuditStoreSelection selection) : IValidateOptions<PostgreSqlAuditStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlAuditStoreOptions options)
    {
        if (selection.Store != AuditStoreSelection.PostgreSql)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new OptionsFailures(PostgreSqlAuditStoreOptions.SectionName);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{failures.Key(nameof(options.ConnectionString))} must be an Npgsql connection string, e.g. Host=db;Database=app;Username=app;Password=...");
        }

        if (!PostgreSqlAuditStore.IsIdentifier(options.Schema))
        {
            failures.Add($"{failures.Key(nameof(options.Schema))} must be a plain PostgreSQL identifier: lower-case letters, digits and _ (was '{options.Schema}').");
        }

        failures.Base64Key(nameof(options.ChainKey), options.ChainKey);
        return failures.Result;
    }
}
