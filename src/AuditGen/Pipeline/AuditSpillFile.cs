using System.Text;
using System.Text.Json;
using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>
/// Events that found the queue full, kept on local disk as JSON lines until the store takes them.
/// Each line holds the prepared event (its exact WorkOS JSON) and the fields the store indexes.
/// Lines are appended and flushed under a lock. To store them, the store writer renames the whole file to
/// <see cref="DrainingPath"/> (new spills start a new file), streams it in batches, and deletes it once every batch is
/// committed: memory stays bounded however large it grew, and a crash midway replays it (appends are idempotent on
/// the id). A line that cannot be read (torn by a crash mid-append) is moved to <see cref="DamagedPath"/>, never dropped.
/// </summary>
internal sealed class AuditSpillFile(string path)
{
    private readonly Lock _lock = new();

    // Whether this instance has checked that the file ends with a newline: a line torn by a crash must not swallow the next.
    private bool _tailChecked;

    // Whether the file holds entries; null until first asked. The store writer asks after every batch, and only this
    // instance writes the file, so the answer is kept rather than asked of the disk each time.
    private bool? _hasEntries;

    public string Path { get; } = path;

    /// <summary>The spilled events being moved into the store; left behind by a crash, it is drained first.</summary>
    public string DrainingPath => Path + ".draining";

    /// <summary>Where lines that cannot be read are kept, for inspection.</summary>
    public string DamagedPath => Path + ".damaged";

    public void Append(AuditEntry entry)
    {
        var auditEvent = entry.Event;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(entry.EventJson.Length + 256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("id", auditEvent.Id.ToString());
            writer.WriteString("organization_id", auditEvent.OrganizationId);
            writer.WriteString("action", auditEvent.Action);
            writer.WriteNumber("occurred_at", auditEvent.OccurredAt.ToUnixTimeMilliseconds());
            writer.WriteString("actor_id", auditEvent.Actor?.Id);
            writer.WriteString("actor_name", auditEvent.Actor?.Name);
            writer.WriteStartArray("target_types");
            foreach (var target in auditEvent.Targets ?? [])
            {
                writer.WriteStringValue(target?.Type);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("adjustments");
            foreach (var adjustment in entry.Adjustments)
            {
                writer.WriteStringValue(adjustment);
            }

            writer.WriteEndArray();
            writer.WriteString("rejection", entry.Rejection);
            writer.WriteBase64String("event_json", entry.EventJson.Span);
            writer.WriteEndObject();
        }

        lock (_lock)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
            var torn = !_tailChecked && EndsTorn();
            using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            var start = file.Length;
            try
            {
                if (torn)
                {
                    file.WriteByte((byte)'\n');
                }

                file.Write(buffer.WrittenSpan);
                file.WriteByte((byte)'\n');
                file.Flush(flushToDisk: true);
                _tailChecked = true;
            }
            catch
            {
                // Half a line (the disk filled up, say) would swallow the next append: cut it off, or check again next time.
                _tailChecked = false;
                file.SetLength(start);
                throw;
            }

            _hasEntries = true;
        }
    }

    /// <summary>
    /// Whether there is a file to drain: one a crash left behind, or else the spill file, renamed to
    /// <see cref="DrainingPath"/> so that spills from now on go to a new file.
    /// </summary>
    public bool TryStartDraining()
    {
        lock (_lock)
        {
            if (File.Exists(DrainingPath))
            {
                return true;
            }

            _hasEntries ??= File.Exists(Path);
            if (!_hasEntries.Value)
            {
                return false;
            }

            // Spills from now on start a new file, which has no torn tail to check.
            File.Move(Path, DrainingPath);
            _hasEntries = false;
            _tailChecked = true;
            return true;
        }
    }

    /// <summary>
    /// The draining file's entries in batches, oldest first. Lines that cannot be read are appended to
    /// <see cref="DamagedPath"/> as they are met, and counted in their batch.
    /// </summary>
    public IEnumerable<SpilledBatch> ReadDraining(int batchSize)
    {
        using var reader = new StreamReader(DrainingPath, Encoding.UTF8);
        var entries = new List<AuditEntry>(batchSize);
        var damaged = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (TryRead(line) is { } entry)
            {
                entries.Add(entry);
            }
            else
            {
                KeepDamaged(line);
                damaged++;
            }

            if (entries.Count == batchSize)
            {
                yield return new SpilledBatch(entries, damaged);
                entries = new List<AuditEntry>(batchSize);
                damaged = 0;
            }
        }

        if (entries.Count > 0 || damaged > 0)
        {
            yield return new SpilledBatch(entries, damaged);
        }
    }

    /// <summary>Deletes the draining file, once every batch read from it is committed.</summary>
    public void FinishDraining() => File.Delete(DrainingPath);

    private void KeepDamaged(string line)
    {
        using var file = new FileStream(DamagedPath, FileMode.Append, FileAccess.Write, FileShare.Read);
        file.Write(Encoding.UTF8.GetBytes(line + "\n"));
        file.Flush(flushToDisk: true);
    }

    private bool EndsTorn()
    {
        if (!File.Exists(Path))
        {
            return false;
        }

        using var file = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (file.Length == 0)
        {
            return false;
        }

        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() != '\n';
    }

    private static AuditEntry? TryRead(string line)
    {
        try
        {
            return Read(line);
        }
        catch (Exception exception) when (exception is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static AuditEntry Read(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        string? Text(string name) => root.GetProperty(name).ValueKind == JsonValueKind.String ? root.GetProperty(name).GetString() : null;

        // The store reads only these fields of the event; its JSON is the exact bytes prepared before spilling.
        var auditEvent = new AuditEvent
        {
            Id = AuditEventId.FromGuid(Guid.Parse(Text("id")!)),
            OrganizationId = Text("organization_id") ?? "",
            Action = Text("action") ?? "",
            OccurredAt = DateTimeOffset.FromUnixTimeMilliseconds(root.GetProperty("occurred_at").GetInt64()),
            Actor = new AuditActor { Type = "", Id = Text("actor_id") ?? "", Name = Text("actor_name") },
            Targets = root.GetProperty("target_types").EnumerateArray().Select(type => new AuditTarget { Type = type.GetString() ?? "", Id = "" }).ToArray(),
            Context = new AuditContext { Location = "" },
        };
        return new AuditEntry(
            auditEvent,
            root.GetProperty("event_json").GetBytesFromBase64(),
            root.GetProperty("adjustments").EnumerateArray().Select(a => a.GetString()!).ToArray(),
            Text("rejection"));
    }
}

/// <param name="Entries">Spilled entries, oldest first.</param>
/// <param name="Damaged">How many lines among them could not be read and were moved to the damaged file.</param>
internal readonly record struct SpilledBatch(List<AuditEntry> Entries, int Damaged);
