using System.Threading.Channels;
using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>An event waiting to be stored, and for strict mode, whoever waits for its commit.</summary>
internal readonly record struct QueuedAuditEvent(AuditEvent Event, TaskCompletionSource? Committed, IReadOnlyList<string>? Adjustments);

/// <summary>The bounded in-memory queue between the request path and the store writer.</summary>
internal sealed class AuditEventQueue(int capacity)
{
    private readonly Channel<QueuedAuditEvent> _channel = Channel.CreateBounded<QueuedAuditEvent>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = false,
    });

    public ChannelReader<QueuedAuditEvent> Reader => _channel.Reader;

    public ChannelWriter<QueuedAuditEvent> Writer => _channel.Writer;

    public int Count => _channel.Reader.Count;

    /// <summary>Whether the queue has stopped accepting events (the application is shutting down).</summary>
    public bool IsClosed { get; private set; }

    /// <summary>Stops accepting events; the reader still drains what is queued.</summary>
    public void Close()
    {
        IsClosed = true;
        _channel.Writer.TryComplete();
    }
}
