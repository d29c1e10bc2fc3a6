
namespace AuditGen.Pipeline;

/// <summary>
/// The audit pipeline's settings, bound from the <c>AuditGen</c> configuration section. The store's and the HTTP
/// hook's settings have options of their own, in sub-sections of it: <c>AuditGen:Sqlite</c>, <c>AuditGen:Http</c>.
/// </summary>
public sealed class AuditGenOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen";

    /// <summary>When audited requests' events are stored, unless an action says otherwise (default: after the response).</summary>
    public AuditDeliveryMode DeliveryMode { get; set; } = AuditDeliveryMode.AfterResponse;

    /// <summary>How long a strict (before-response) request waits for its commit before answering 503 (default 5 s).</summary>
    public TimeSpan StrictCommitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Records stored longer ago than this are removed (hourly), leaving a verifiable checkpoint;
    /// records a sink has not delivered are kept. Unset (the default): nothing is removed.
    /// </summary>
    public TimeSpan? RetentionPeriod { get; set; }

    /// <summary>Events held in memory between the request path and the store (1 to 1,000,000; default 10,000).</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>What writers do when the queue is full: <c>Wait</c> (default) or <c>Spill</c> to <see cref="SpillPath"/>.</summary>
    public AuditQueueFullMode QueueFullMode { get; set; } = AuditQueueFullMode.Wait;

    /// <summary>
    /// With <c>QueueFullMode: Wait</c>, how long an after-response write waits for room before it spills the event to
    /// <see cref="SpillPath"/> instead (0 to 1 hour, default 2 s; <see cref="Timeout.InfiniteTimeSpan"/> waits as long as it takes).
    /// Strict-mode writes never spill: they wait up to <see cref="StrictCommitTimeout"/>.
    /// </summary>
    public TimeSpan QueueFullWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The spill file for <c>QueueFullMode: Spill</c> and for writes that waited <see cref="QueueFullWait"/>, relative to the content root (default <c>auditgen.spill.jsonl</c>).</summary>
    public string SpillPath { get; set; } = "auditgen.spill.jsonl";

    /// <summary>Most events committed to the store in one batch (1 to 10,000; default 500).</summary>
    public int StoreBatchSize { get; set; } = 500;

    /// <summary>Wait before retrying a batch the store could not commit (default 1 s).</summary>
    public TimeSpan StoreRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest any string of an event may be (ids, names, types, the organization, the location, metadata values):
    /// longer ones are cut before the event is queued, and the cut is noted on the stored event (64 to 1,048,576; default 1,024).
    /// </summary>
    public int MaxFieldLength { get; set; } = 1_024;

    /// <summary>What to do with metadata strings over WorkOS's 500-character limit (default: truncate and note it).</summary>
    public OversizedStringValueHandling OversizedStringValues { get; set; } = OversizedStringValueHandling.Truncate;

    /// <summary>
    /// The WorkOS schema version to send with each action's events (<c>AuditGen:SchemaVersions:user.signed_in = 2</c>),
    /// once its schema was pushed (<c>auditgen schemas push</c>). Actions not listed send no <c>version</c>.
    /// </summary>
    public Dictionary<string, int> SchemaVersions { get; } = new(StringComparer.Ordinal);

    /// <summary>Most entries a sink's delivery loop reads from the store at once (1 to 10,000; default 100).</summary>
    public int DeliveryBatchSize { get; set; } = 100;

    /// <summary>Wait before retrying an entry a sink could not take, when the sink gives no time (default 5 s).</summary>
    public TimeSpan DeliveryRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often delivery looks for new entries written by other processes (default 1 s).</summary>
    public TimeSpan DeliveryPollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
