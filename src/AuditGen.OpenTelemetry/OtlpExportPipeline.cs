using AuditGen.Pipeline;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;

namespace AuditGen.Sinks.OpenTelemetry;

/// <summary>
/// The OpenTelemetry SDK's own logs pipeline for one set of options: an <see cref="ILogger"/> whose records go through
/// <see cref="OccurredAtProcessor"/> and a batch processor to the SDK's <see cref="OtlpLogExporter"/> (OTLP/HTTP
/// protobuf), watched by <see cref="ExportTracker"/>, with the exporter's requests passing through
/// <see cref="OtlpAnswerRecorder"/>.
/// </summary>
internal sealed class OtlpExportPipeline : IDisposable
{
    private const string Category = "AuditGen.AuditEvents";

    /// <summary>The most records in one batch, and so in the processor's queue (a batch never waits behind another).</summary>
    public const int MaxBatchSize = 10_000;

    // Exports start when a batch has been emitted; the processor's own timer is only a backstop.
    private const int ScheduledDelayMilliseconds = 60 * 60 * 1000;

    // The sink waits a little longer than the request may take, so that the exporter's own answer decides.
    private static readonly TimeSpan s_exportGrace = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _exporterHost;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly BatchLogRecordExportProcessor _processor;
    private readonly ExportTracker _tracker;

    public OtlpExportPipeline(OpenTelemetrySinkOptions options, HttpMessageHandler handler, TimeProvider timeProvider)
    {
        Options = options;
        _timeProvider = timeProvider;
        Answers = new OtlpAnswerRecorder(options, timeProvider) { InnerHandler = handler };
        var timeout = (int)Math.Min(options.RequestTimeout.TotalMilliseconds, int.MaxValue);
        var exporter = new OtlpLogExporter(new OtlpExporterOptions
        {
            Endpoint = options.Endpoint!,
            Protocol = OtlpExportProtocol.HttpProtobuf,

            // Not the app's own OTEL_EXPORTER_OTLP_HEADERS: its telemetry vendor's key must not go to the audit collector.
            Headers = string.Empty,
            Compression = options.Compress ? OtlpExportCompression.GZip : OtlpExportCompression.None,
            TimeoutMilliseconds = timeout,
            HttpClientFactory = () => new HttpClient(Answers, disposeHandler: false) { Timeout = options.RequestTimeout },
        });

        // The exporter takes its resource (service.name) from the SDK provider it belongs to. This one hosts it and
        // owns it; nothing logs to it. Creating a logger builds the provider.
        _exporterHost = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(options.ServiceName));
            otel.AddProcessor(new SimpleLogRecordExportProcessor(exporter));
        }));
        _exporterHost.CreateLogger(Category);

        // The queue holds the largest batch the options allow, so that a batch cut before MaxBatchSize shrank still fits.
        _tracker = new ExportTracker(exporter);
        _processor = new BatchLogRecordExportProcessor(_tracker, MaxBatchSize, ScheduledDelayMilliseconds, timeout, options.MaxBatchSize);
        _loggerFactory = LoggerFactory.Create(logging => logging.AddOpenTelemetry(otel =>
        {
            otel.IncludeFormattedMessage = true;
            otel.AddProcessor(new OccurredAtProcessor());
            otel.AddProcessor(_processor);
        }));
        _logger = _loggerFactory.CreateLogger(Category);
    }

    public OpenTelemetrySinkOptions Options { get; }

    public OtlpAnswerRecorder Answers { get; }

    /// <summary>
    /// Exports <paramref name="entries"/> as log records: true when every export succeeded, false when one failed,
    /// <see langword="null"/> when they were not all exported in time. One batch at a time.
    /// </summary>
    public async Task<bool?> ExportAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        Answers.Clear();
        var exported = _tracker.Expect(entries.Count);
        foreach (var entry in entries)
        {
            var state = new AuditLogRecordState(entry);
            _logger.Log(LogLevel.Information, default, state, null, AuditLogRecordState.Format);
        }

        // Starts the export now, without waiting for it.
        _processor.ForceFlush(0);
        try
        {
            return await exported.WaitAsync(Options.RequestTimeout + s_exportGrace, _timeProvider, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _exporterHost.Dispose();
        Answers.Dispose();
    }
}
