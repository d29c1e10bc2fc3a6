using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace AuditGen.Export;

/// <summary>
/// Writes JSON to a stream in chunks, always asynchronously: an HTTP response body refuses synchronous writes, and one
/// write per record would be slow. Memory holds one chunk and the value being written.
/// </summary>
internal sealed class JsonLinesWriter : IAsyncDisposable
{
    private const int ChunkSize = 32 * 1024;
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ArrayBufferWriter<byte> _buffer = new(ChunkSize * 2);
    private readonly Stream _output;

    public JsonLinesWriter(Stream output)
    {
        _output = output;
        Json = new Utf8JsonWriter(_buffer, s_options);
    }

    /// <summary>Writes into the current chunk.</summary>
    public Utf8JsonWriter Json { get; }

    /// <summary>Ends a JSON Lines line: the value written since the last one, then a newline.</summary>
    public ValueTask EndLineAsync(CancellationToken cancellationToken)
    {
        Json.Flush();
        _buffer.Write("\n"u8);
        Json.Reset();
        return FlushFullChunkAsync(cancellationToken);
    }

    /// <summary>Sends the chunk once it is full.</summary>
    public async ValueTask FlushFullChunkAsync(CancellationToken cancellationToken)
    {
        if (Json.BytesPending + _buffer.WrittenCount > ChunkSize)
        {
            Json.Flush();
            await _output.WriteAsync(_buffer.WrittenMemory, cancellationToken);
            _buffer.ResetWrittenCount();
        }
    }

    /// <summary>Sends what is left and flushes the stream.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        Json.Flush();
        await _output.WriteAsync(_buffer.WrittenMemory, cancellationToken);
        _buffer.ResetWrittenCount();
        await _output.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => Json.DisposeAsync();
}
