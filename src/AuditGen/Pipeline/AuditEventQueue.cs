using System.Threading.Channels;
using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>The bounded in-memory queue between the request path and the store writer.</summary>
internal sealed class AuditEventQueue(int capacity)
{
    private readonly Channel<AuditEvent> _channel = Channel.CreateBounded<AuditEvent>(new BoundedChannelOptions(capacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = false,
    });

    public ChannelReader<AuditEvent> Reader => _channel.Reader;

    public ChannelWriter<AuditEvent> Writer => _channel.Writer;

    public int Count => _channel.Reader.Count;

    /// <summary>Stops accepting events; the reader still drains what is queued.</summary>
    public void Close() => _channel.Writer.TryComplete();
}
