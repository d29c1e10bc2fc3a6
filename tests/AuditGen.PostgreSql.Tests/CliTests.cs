using AuditGen.Events;
using AuditGen.Events.Json;
using AuditGen.Pipeline;
using AuditGen.Tests.Processes;
using AuditGen.Stores.PostgreSql;
using AuditGen.Tests.Cli;

namespace AuditGen.PostgreSql.Tests;

/// <summary>The real `auditgen` executable against a PostgreSQL audit log, named by a connection string kept in the environment.</summary>
[Collection(PostgresServerGroup.Name)]
public sealed class CliTests(PostgresServer server)
{
    private readonly string _schema = PostgresServer.NewSchema();

    [Fact]
    public async Task Stats_verify_and_export_read_a_PostgreSQL_log_and_a_missing_schema_is_refused_without_creating_it()
    {
        using (var store = new PostgreSqlAuditStore(server.ConnectionString, _schema, null, TimeProvider.System))
        {
            await store.AppendAsync([Entry("team.created"), Entry("team.renamed"), Entry("team.renamed")], CancellationToken.None);
        }

        var stats = await RunAsync("stats", "--schema", _schema);
        var verify = await RunAsync("verify", "--schema", _schema);
        var export = await RunAsync("export", "--schema", _schema, "--format", "jsonlines", "--action", "team.renamed");
        var missing = await RunAsync("stats", "--schema", "no_such_schema");

        Assert.Equal(0, stats.ExitCode);
        Assert.Contains("3 records, last sequence 3", stats.Output, StringComparison.Ordinal);
        Assert.Matches(@"team\.renamed\s*│\s*2", stats.Output);
        Assert.Equal(0, verify.ExitCode);
        Assert.Matches(@"log\s*│\s*intact", verify.Output);
        Assert.Equal(2, export.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(3, missing.ExitCode);
        Assert.Equal("auditgen: The PostgreSQL schema 'no_such_schema' holds no AuditGen audit log.", missing.Errors.Trim());
        await using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var created = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_namespace WHERE nspname = 'no_such_schema'", connection);
        Assert.Equal(0L, await created.ExecuteScalarAsync());
    }

    private static AuditEntry Entry(string action)
    {
        var auditEvent = new AuditEvent
        {
            OrganizationId = "org_cli",
            Action = action,
            Actor = new AuditActor { Type = "user", Id = "user_1" },
            Targets = [new AuditTarget { Type = "team", Id = "team_1" }],
            Context = new AuditContext { Location = "127.0.0.1" },
        };
        return new AuditEntry(auditEvent, WorkOsJson.SerializeEvent(auditEvent), [], null);
    }

    private Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] arguments) =>
        AuditGenCli.RunAsync(new Dictionary<string, string> { ["AUDITGEN_POSTGRES"] = server.ConnectionString }, arguments);
}
