using AuditGen.Sinks.Http;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AuditGen.Sinks.WorkOs;
using Spectre.Console;

namespace AuditGen.Cli.Commands;

internal static class SchemasCommand
{
    private static readonly JsonSerializerOptions s_indented = new() { WriteIndented = true };

    private static readonly Option<FileInfo> s_catalog = new("--catalog")
    {
        Description = "The schema catalog: auditgen.workos-schemas.json, written next to the assembly by builds that use the AuditGen package, or the JSON of AuditCatalog.WorkOsSchemasJson.",
        Required = true,
    };

    public static Command Create() => new("schemas", "Turn the build's catalog of audited actions into WorkOS schemas.")
    {
        Export(),
        Push(),
    };

    private static Command Export()
    {
        var output = new Option<DirectoryInfo>("--out") { Description = "The directory to write one request body per action into.", Required = true };
        var command = new Command("export", """
            Write the body of POST /audit_logs/actions/{action}/schemas for every action, one file per action
            (<action>.json), to review or to commit.

            Example:
              auditgen schemas export --catalog bin/Release/net10.0/auditgen.workos-schemas.json --out workos-schemas
            """)
        {
            s_catalog,
            output,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            var directory = result.GetValue(output)!;
            directory.Create();
            var table = new Table().AddColumn("action").AddColumn("request").AddColumn("file");
            foreach (var (action, schema) in await ReadCatalogAsync(result, cancellationToken))
            {
                var file = Path.Combine(directory.FullName, action + ".json");
                await File.WriteAllTextAsync(file, schema.ToJsonString(s_indented) + "\n", cancellationToken);
                table.AddRow(Markup.Escape(action), Markup.Escape($"POST /audit_logs/actions/{action}/schemas"), Markup.Escape(file));
            }

            AnsiConsole.Write(table);
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Push()
    {
        var baseUrl = new Option<Uri>("--base-url")
        {
            Description = "The WorkOS API (default https://api.workos.com; the emulator: http://127.0.0.1:5090).",
            DefaultValueFactory = static _ => new Uri("https://api.workos.com"),
            CustomParser = static argument =>
            {
                var text = argument.Tokens.Single().Value;
                if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp))
                {
                    return url;
                }

                argument.AddError($"--base-url must be an absolute http(s) address (was '{text}').");
                return null;
            },
        };
        var command = new Command("push", """
            Create each action's schema in WorkOS, then print the AuditGen:SchemaVersions configuration that makes
            events carry the new versions. WorkOS schemas are immutable: every push makes a new version of each action.
            The API key is read from WORKOS_API_KEY, never from the command line.

            Example:
              WORKOS_API_KEY=sk_test_... auditgen schemas push --catalog bin/Release/net10.0/auditgen.workos-schemas.json
            """)
        {
            s_catalog,
            baseUrl,
        };

        command.SetAction(async (result, cancellationToken) =>
        {
            var apiKey = Environment.GetEnvironmentVariable(WorkOsSinkOptions.ApiKeyEnvironmentVariable);
            if (string.IsNullOrWhiteSpace(apiKey))
            {
                throw new UsageException($"Set {WorkOsSinkOptions.ApiKeyEnvironmentVariable} to the WorkOS API key.");
            }

            var catalog = await ReadCatalogAsync(result, cancellationToken);
            using var http = new HttpClient();
            var table = new Table().AddColumn("action").AddColumn(new TableColumn("version").RightAligned()).AddColumn("WorkOS answered");
            var versions = new JsonObject();
            var failed = false;
            foreach (var (action, schema) in catalog)
            {
                using var request = WorkOsApi.CreateSchemaRequest(result.GetValue(baseUrl)!, apiKey, action, Encoding.UTF8.GetBytes(schema.ToJsonString()));
                using var response = await SendOrExplainAsync(http, request, result.GetValue(baseUrl)!, cancellationToken);
                if (response is null)
                {
                    // The actions above this one were created (the table shows them); pushing again makes new versions.
                    AnsiConsole.Write(table);
                    return ExitCodes.RemoteUnreachable;
                }

                if (HttpDelivery.IsAuthorizationFailure(response.StatusCode))
                {
                    // Every other action would be refused the same way.
                    await Console.Error.WriteLineAsync($"auditgen: WorkOS refused the API key: {(await WorkOsApi.DescribeAsync(response, apiKey, cancellationToken)).ReplaceLineEndings(" ")}");
                    return ExitCodes.RemoteRefused;
                }

                if (response.IsSuccessStatusCode)
                {
                    var version = (int)JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!["version"]!;
                    versions[action] = version;
                    table.AddRow(Markup.Escape(action), version.ToString(CultureInfo.InvariantCulture), ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    failed = true;
                    table.AddRow(Markup.Escape(action), "", Markup.Escape(await WorkOsApi.DescribeAsync(response, apiKey, cancellationToken)));
                }
            }

            AnsiConsole.Write(table);
            if (failed)
            {
                // No configuration to paste when some actions have no new version: it would drop their versions.
                await Console.Error.WriteLineAsync("auditgen: WorkOS refused some schemas (see the table); fix them and push again.");
                return ExitCodes.RemoteRefused;
            }

            Console.WriteLine(new JsonObject { ["AuditGen"] = new JsonObject { ["SchemaVersions"] = versions } }.ToJsonString(s_indented));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<IReadOnlyList<(string Action, JsonNode Schema)>> ReadCatalogAsync(ParseResult result, CancellationToken cancellationToken)
    {
        var file = result.GetValue(s_catalog)!;
        if (!file.Exists)
        {
            throw new UsageException($"'{file.FullName}' does not exist; build the application with the AuditGen package (it writes auditgen.workos-schemas.json next to the assembly), or save what AuditCatalog.WorkOsSchemasJson returns.");
        }

        try
        {
            var catalog = JsonNode.Parse(await File.ReadAllTextAsync(file.FullName, cancellationToken)) as JsonObject
                ?? throw new UsageException($"'{file.FullName}' is not a schema catalog (expected an object keyed by action).");
            return [.. catalog.Where(static pair => pair.Value is JsonObject).Select(static pair => (pair.Key, pair.Value!))];
        }
        catch (JsonException exception)
        {
            throw new UsageException($"'{file.FullName}' is not valid JSON: {exception.Message}");
        }
    }

    /// <summary>WorkOS's answer, or null after saying on standard error why it could not be reached.</summary>
    private static async Task<HttpResponseMessage?> SendOrExplainAsync(HttpClient http, HttpRequestMessage request, Uri baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            await Console.Error.WriteLineAsync($"auditgen: could not reach WorkOS at {baseUrl}: {exception.Message.ReplaceLineEndings(" ")}");
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient's own time limit: a firewall that drops packets looks like this.
            await Console.Error.WriteLineAsync($"auditgen: could not reach WorkOS at {baseUrl}: no answer within {http.Timeout.TotalSeconds:0} seconds");
            return null;
        }
    }
}
