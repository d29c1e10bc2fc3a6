using System.Net;
using System.Text;
using AuditGen.AspNetCore;
using AuditGen.Pipeline;
using AuditGen.Stores.InMemory;
using AuditGen.Tests.TestSupport;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AuditGen.Tests.DependencyInjection;

/// <summary>How AddAuditGen shares a service collection with the application's own registrations.</summary>
public sealed class ServiceRegistrationTests
{
    [Fact]
    public void Services_the_application_registered_first_are_kept_and_a_second_AddAuditGen_adds_nothing_twice()
    {
        var services = new ServiceCollection();
        var resolver = new FixedOrganizationResolver();
        services.AddSingleton<IAuditOrganizationResolver>(resolver);
        services.AddAuditGen();
        var bindings = services.Count(d => d.ServiceType == typeof(IConfigureOptions<AuditGenOptions>));
        services.AddAuditGen();

        Assert.Single(services, d => d.ServiceType == typeof(IAuditOrganizationResolver));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(AuditStoreWriter));
        Assert.Single(services, d => d.ImplementationType == typeof(AuditGenOptionsValidator));
        Assert.Single(services, d => d.ServiceType == typeof(IAuditStore));
        Assert.Single(services, d => d.ServiceType == typeof(IPolicyEvaluator));
        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IAuthorizationMiddlewareResultHandler));
        Assert.Equal(bindings, services.Count(d => d.ServiceType == typeof(IConfigureOptions<AuditGenOptions>)));
        using var provider = services.BuildServiceProvider();
        Assert.Same(resolver, provider.GetRequiredService<IAuditOrganizationResolver>());
        Assert.Single(provider.GetRequiredService<IOptions<Microsoft.AspNetCore.Mvc.MvcOptions>>().Value.Filters);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_application_s_own_authorization_result_handler_runs_whether_registered_before_or_after_AddAuditGen(bool registeredFirst)
    {
        var logs = new CapturingLoggerProvider();
        var handler = new CountingResultHandler();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options => options.LoginPath = "/sign-in");
        builder.Services.AddAuthorization();
        if (registeredFirst)
        {
            builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler>(handler);
        }

        builder.Services.AddAuditGen().UseInMemoryStore();
        builder.Services.Configure<AuditHttpOptions>(options => options.DefaultOrganizationId = "org_test");
        if (!registeredFirst)
        {
            builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler>(handler);
        }

        await using var app = builder.Build();
        app.MapGet("/reports", [Audited("report.viewed")] () => "report").RequireAuthorization();
        await app.StartAsync();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(app.Urls.Single()) };

        using var response = await client.GetAsync("/reports");
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(1, handler.Calls);
        // The refusal is on the event although the redirect's status code looks like a success, in both orders.
        var stored = Assert.Single(((InMemoryAuditStore)app.Services.GetRequiredService<IAuditStore>()).Entries);
        var json = Encoding.UTF8.GetString(stored.EventJson.Span);
        Assert.Contains("\"authorization\":\"challenged\"", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"failure\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Logs, l => l.Category == typeof(AuditStartupFilter).FullName);
    }

    [Fact]
    public async Task A_PostgreSql_connection_string_without_UsePostgreSql_stops_the_host_and_names_the_package()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AuditGen:PostgreSql:ConnectionString"] = "Host=db;Database=app" });
        builder.Services.AddAuditGen();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            ["AuditGen:PostgreSql:ConnectionString is set, but the audit log is stored in SQLite: add the AuditGen.PostgreSql package (dotnet add package AuditGen.PostgreSql) and call AddAuditGen().UsePostgreSql(), or remove the setting."],
            exception.Failures);
    }

    [Fact]
    public async Task UsePostgreSql_replaces_the_SQLite_store_and_checks_its_own_section_at_start()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AuditGen:PostgreSql:Schema"] = "Audit-Log",
            ["AuditGen:PostgreSql:ChainKey"] = "c2hvcnQ=",
            ["AuditGen:Sqlite:Path"] = "",
        });
        builder.Services.AddAuditGen().UsePostgreSql();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            [
                "AuditGen:PostgreSql:ConnectionString must be an Npgsql connection string, e.g. Host=db;Database=app;Username=app;Password=...",
                "AuditGen:PostgreSql:Schema must be a plain PostgreSQL identifier: lower-case letters, digits and _ (was 'Audit-Log').",
                "AuditGen:PostgreSql:ChainKey must be base64 of at least 32 bytes (e.g. the output of `openssl rand -base64 32`).",
            ],
            exception.Failures);
    }

    [Fact]
    public async Task The_last_store_chosen_is_used_and_only_its_settings_are_checked()
    {
        var database = Path.Combine(Path.GetTempPath(), $"auditgen-choice-{Guid.NewGuid():N}.db");
        try
        {
            // PostgreSQL chosen, then SQLite: starts although a connection string is configured, and writes to SQLite.
            using (var host = BuildHost(new() { ["AuditGen:PostgreSql:ConnectionString"] = "Host=db;Database=app", ["AuditGen:Sqlite:Path"] = database }, auditGen => auditGen.UsePostgreSql().UseSqlite()))
            {
                await host.StartAsync();
                Assert.IsType<AuditGen.Stores.Sqlite.SqliteAuditStore>(host.Services.GetRequiredService<IAuditStore>());
                Assert.Same(host.Services.GetRequiredService<IAuditStore>(), host.Services.GetRequiredService<IAuditLog>());
                await host.StopAsync();
            }

            // PostgreSQL chosen, then the in-memory store: PostgreSQL's missing connection string does not matter.
            using (var host = BuildHost([], auditGen => auditGen.UsePostgreSql().UseInMemoryStore()))
            {
                await host.StartAsync();
                Assert.IsType<InMemoryAuditStore>(host.Services.GetRequiredService<IAuditStore>());
                await host.StopAsync();
            }

            using (var host = BuildHost(new() { ["AuditGen:PostgreSql:ConnectionString"] = "Host=db;Database=app" }, auditGen => auditGen.UsePostgreSql()))
            {
                Assert.IsType<AuditGen.Stores.PostgreSql.PostgreSqlAuditStore>(host.Services.GetRequiredService<IAuditStore>());
                Assert.Same(host.Services.GetRequiredService<IAuditStore>(), host.Services.GetRequiredService<IAuditLog>());
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(database) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void A_store_chosen_before_AddAuditGen_is_called_again_stays_chosen()
    {
        var services = new ServiceCollection();
        services.AddAuditGen().UseInMemoryStore();
        services.AddAuditGen();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryAuditStore>(provider.GetRequiredService<IAuditStore>());
    }

    private static IHost BuildHost(Dictionary<string, string?> settings, Action<IAuditGenBuilder> choose)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        choose(builder.Services.AddAuditGen());
        return builder.Build();
    }

    [Fact]
    public async Task A_configured_signing_key_signs_the_checkpoints_of_the_default_store()
    {
        var database = Path.Combine(Path.GetTempPath(), $"auditgen-signed-{Guid.NewGuid():N}.db");
        var signingKey = AuditGen.Ledger.NoteSigner.Generate("example.com/audit");
        try
        {
            using (var host = BuildHost(new() { ["AuditGen:Sqlite:Path"] = database, ["AuditGen:Ledger:SigningKey"] = signingKey }, _ => { }))
            {
                await host.StartAsync();
                var store = host.Services.GetRequiredService<IAuditStore>();
                await store.AppendAsync(AuditGen.Tests.Stores.StoreEntries.Entries(2), CancellationToken.None);
                Assert.True((await host.Services.GetRequiredService<IAuditLog>().VerifyAsync(CancellationToken.None)).IsIntact);
                await host.StopAsync();
            }

            Assert.True(AuditGen.Ledger.NoteSigner.TryParse(signingKey, out var signer, out _));
            using var reader = new AuditGen.Stores.Sqlite.SqliteAuditStore(database, null, TimeProvider.System, readOnly: true, AuditGen.Ledger.LedgerSettings.Unsigned with { Verifier = signer!.Verifier });
            var verification = await reader.VerifyAsync(CancellationToken.None);
            Assert.True(verification.IsIntact, verification.Problem);
            Assert.True(reader.ChecksSignatures);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(database) + "*"))
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public async Task The_store_s_and_the_HTTP_hook_s_sections_are_checked_at_start()
    {
        foreach (var (key, value, failure) in new[]
        {
            ("AuditGen:Sqlite:ChainKey", "c2hvcnQ=", "AuditGen:Sqlite:ChainKey must be base64 of at least 32 bytes (e.g. the output of `openssl rand -base64 32`)."),
            ("AuditGen:Sqlite:Path", " ", "AuditGen:Sqlite:Path must name the audit database file."),
            ("AuditGen:Http:MaxUserAgentLength", "5", "AuditGen:Http:MaxUserAgentLength must be between 16 and 8,192 (was 5)."),
            ("AuditGen:Ledger:SigningKey", "PRIVATE+KEY+example.com/audit+00000000+AQ==", "AuditGen:Ledger:SigningKey is not a signing key: the key is not a base64 Ed25519 key (type 0x01 and 32 bytes). `auditgen keys generate --name <log name>` makes one."),
            ("AuditGen:Ledger:CheckpointInterval", "02:00:00", "AuditGen:Ledger:CheckpointInterval must be between 00:00:00.010 and 01:00:00 (was 02:00:00)."),
        })
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
            builder.Services.AddAuditGen();
            using var host = builder.Build();

            var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

            Assert.Equal([failure], exception.Failures);
        }
    }

    private sealed class FixedOrganizationResolver : IAuditOrganizationResolver
    {
        public string? Resolve(HttpContext httpContext) => "org_fixed";
    }

    private sealed class CountingResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();
        private int _calls;

        public int Calls => _calls;

        public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
        {
            Interlocked.Increment(ref _calls);
            return _default.HandleAsync(next, context, policy, authorizeResult);
        }
    }
}
