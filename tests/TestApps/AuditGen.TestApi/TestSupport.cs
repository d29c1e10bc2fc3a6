using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using AuditGen.AspNetCore;
using AuditGen.Events;
using AuditGen.Pipeline;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AuditGen.TestApi;

/// <summary>
/// A real authentication scheme driven by a header, so tests can act as any user:
/// <c>Authorization: Test sub=user_1;name=Ada Lovelace;org_id=org_1;role=admin</c>.
/// </summary>
public sealed class TestAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Test";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(SchemeName + " ", StringComparison.Ordinal))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = header[(SchemeName.Length + 1)..]
            .Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(pair => new Claim(pair[0], pair[1]));
        var identity = new ClaimsIdentity(claims, SchemeName, "name", "role");
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

/// <summary>A sink that appends each delivered event id to a file, so a test can see delivery resume after a crash.</summary>
public sealed class FileRecordingSink(string path) : IAuditSink
{
    private readonly Lock _lock = new();

    public string Name => "file";

    public ValueTask<AuditDeliveryResult> DeliverAsync(StoredAuditEntry entry, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            File.AppendAllText(path, entry.EventId + "\n");
        }

        return ValueTask.FromResult(AuditDeliveryResult.Delivered);
    }
}

/// <summary>A user's own actor resolver: machine clients become service accounts, people stay users.</summary>
public sealed class ServiceAccountActorResolver : IAuditActorResolver
{
    private readonly ClaimsAuditActorResolver _people = new();

    public AuditActor Resolve(HttpContext httpContext) =>
        httpContext.User.FindFirst("client_id")?.Value is { } clientId
            ? new AuditActor { Type = "service_account", Id = clientId }
            : _people.Resolve(httpContext);
}

public static class TestEvents
{
#if REQUEST_DELEGATE_GENERATOR
    public const string Mode = "rdg";
#else
    public const string Mode = "runtime";
#endif

    /// <summary>Whether RDG's generated interceptors are compiled into this app (its code lives in this namespace).</summary>
    public static bool RequestDelegateGeneratorRan =>
        typeof(TestEvents).Assembly.GetTypes().Any(t => t.Namespace == "Microsoft.AspNetCore.Http.Generated");

    /// <summary>The stored create-event request body, exactly as a sink would send it.</summary>
    public static string ToJson(StoredAuditEntry entry)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("organization_id", entry.OrganizationId);
            writer.WritePropertyName("event");
            writer.WriteRawValue(entry.EventJson.Span, skipInputValidation: true);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

/// <summary>Counts the measurements of each of AuditGen's instruments in this process, for tests that run the app as a process.</summary>
public sealed class AuditMeasurementCounter : IDisposable
{
    private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _counts = new(StringComparer.Ordinal);

    public AuditMeasurementCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "AuditGen")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, _, _) => Count(instrument.Name));
        _listener.SetMeasurementEventCallback<double>((instrument, _, _, _) => Count(instrument.Name));
        _listener.Start();
    }

    public int this[string instrument] => _counts.GetValueOrDefault(instrument);

    public void Dispose() => _listener.Dispose();

    private void Count(string instrument) => _counts.AddOrUpdate(instrument, 1, static (_, count) => count + 1);
}

/// <summary>The JSON the minimal APIs read and write, for the Native AOT build: reflection is off under AOT.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(BuildMode))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AddMember))]
[System.Text.Json.Serialization.JsonSerializable(typeof(CreateInvoice))]
[System.Text.Json.Serialization.JsonSerializable(typeof(CreateTeam))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Invoice))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Member))]
[System.Text.Json.Serialization.JsonSerializable(typeof(NoteSaved))]
[System.Text.Json.Serialization.JsonSerializable(typeof(RenameProject))]
[System.Text.Json.Serialization.JsonSerializable(typeof(SignIn))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TeamCreated))]
[System.Text.Json.Serialization.JsonSerializable(typeof(AuditChainVerification))]
[System.Text.Json.Serialization.JsonSerializable(typeof(IAsyncEnumerable<string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
internal sealed partial class TestApiJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
