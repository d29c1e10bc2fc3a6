using AuditGen.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Stops an app that configured a PostgreSQL connection string but got the SQLite default, because the PostgreSQL
/// package is missing or <c>UsePostgreSql()</c> was not called: its audit log would go to a file nobody expects.
/// </summary>
internal sealed class AuditStoreConfigurationValidator(AuditStoreSelection selection, IConfiguration? configuration = null)
    : IValidateOptions<AuditGenOptions>
{
    private const string PostgreSqlConnectionStringKey = "AuditGen:PostgreSql:ConnectionString";

    public ValidateOptionsResult Validate(string? name, AuditGenOptions options) =>
        !selection.ChosenExplicitly && !string.IsNullOrWhiteSpace(configuration?[PostgreSqlConnectionStringKey])
            ? ValidateOptionsResult.Fail(
                $"{PostgreSqlConnectionStringKey} is set, but the audit log is stored in SQLite: add the AuditGen.PostgreSql package " +
                "(dotnet add package AuditGen.PostgreSql) and call AddAuditGen().UsePostgreSql(), or remove the setting.")
            : ValidateOptionsResult.Success;
}
