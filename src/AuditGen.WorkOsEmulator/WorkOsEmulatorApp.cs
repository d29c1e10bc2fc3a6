using AuditGen.WorkOsEmulator.Events;
using AuditGen.WorkOsEmulator.Exports;
using AuditGen.WorkOsEmulator.Faults;
using AuditGen.WorkOsEmulator.Inspection;
using AuditGen.WorkOsEmulator.Retention;
using AuditGen.WorkOsEmulator.Schemas;
using AuditGen.WorkOsEmulator.Streams;

namespace AuditGen.WorkOsEmulator;

/// <summary>
/// A local stand-in for WorkOS's Audit Logs API as WorkOS's API reference and official SDKs describe it:
/// events, schemas, exports and retention, with WorkOS's validation and error bodies, 24-hour idempotency and
/// configurable faults; beside it, receivers that enforce the contracts of the log stream destinations AuditGen
/// delivers to (Datadog's intake, Splunk's HTTP Event Collector, webhooks, an OpenTelemetry collector's OTLP/HTTP logs receiver). State lives in memory for the life of the process.
/// </summary>
public static class WorkOsEmulatorApp
{
    /// <summary>Builds the emulator; <paramref name="configure"/> lets tests set the address and options.</summary>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.AddOptions<EmulatorOptions>().BindConfiguration(EmulatorOptions.SectionName);
        builder.Services.ConfigureHttpJsonOptions(static json => json.SerializerOptions.PropertyNamingPolicy = null);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<EventLog>();
        builder.Services.AddSingleton<IdempotencyCache>();
        builder.Services.AddSingleton<SchemaRegistry>();
        builder.Services.AddSingleton<ExportStore>();
        builder.Services.AddSingleton<RetentionSettings>();
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<EmulatorStatistics>();
        builder.Services.AddSingleton<StreamInbox>();
        builder.Services.AddSingleton<SplunkCollector>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<FaultInjectionMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapEventEndpoints();
        app.MapSchemaEndpoints();
        app.MapExportEndpoints();
        app.MapRetentionEndpoints();
        app.MapInspectionEndpoints();
        app.MapDatadogIntake();
        SplunkCollector.Map(app);
        app.MapWebhookReceiver();
        app.MapOtlpCollector();
        return app;
    }
}
