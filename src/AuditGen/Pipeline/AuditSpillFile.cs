using System.Text;
using System.Text.Json;
using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>
/// Events that found the queue full, kept on local disk as JSON lines until the store takes them.
/// Each line holds the prepared event (its exact WorkOS JSON) and the fields the store indexes.
/// Lines are appended and flushed under a lock; the store writer reads them all, commits them, and
/// only then empties the file, so a crash in between replays them (appends are idempotent on the id).
/// A line that cannot be read (torn by a crash mid-append) is moved to <see cref="DamagedPath"/>, never dropped.
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
    /// Every spilled entry, oldest first; empty when nothing is spilled. Lines that cannot be read are moved to
    /// <see cref="DamagedPath"/> (once: they leave the spill file) and counted.
    /// </summary>
    public SpilledEntries ReadAll()
    {
        lock (_lock)
        {
            _hasEntries ??= File.Exists(Path);
            if (!_hasEntries.Value)
            {
                return new([], 0);
            }

            var lines = File.ReadAllLines(Path, Encoding.UTF8).Where(line => line.Length > 0).ToArray();
            var entries = new List<AuditEntry>(lines.Length);
            var readable = new List<string>(lines.Length);
            var damaged = new List<string>();
            foreach (var line in lines)
            {
                if (TryRead(line) is { } entry)
                {
                    entries.Add(entry);
                    readable.Add(line);
                }
                else
                {
                    damaged.Add(line);
                }
            }

            if (damaged.Count > 0)
            {
                using (var file = new FileStream(DamagedPath, FileMode.Append, FileAccess.Write, FileShare.Read))
                {
                    file.Write(Lines(damaged));
                    file.Flush(flushToDisk: true);
                }

                Replace(readable);
            }

            return new(entries, damaged.Count);
        }
    }

    /// <summary>Forgets the first <paramref name="count"/> lines, once the store has committed them; appends made since reading are kept.</summary>
    public void RemoveFirst(int count)
    {
        lock (_lock)
        {
            Replace(File.ReadAllLines(Path, Encoding.UTF8).Where(line => line.Length > 0).Skip(count).ToArray());
        }
    }

    /// <summary>
    /// Replaces the file's lines all at once: written and flushed beside it, then moved over it, so a crash or a full
    /// disk midway leaves the old file whole rather than a half-written one.
    /// </summary>
    private void Replace(IReadOnlyCollection<string> lines)
    {
        if (lines.Count == 0)
        {
            File.Delete(Path);
            _hasEntries = false;
            return;
        }

        var replacement = Path + ".new";
        using (var file = new FileStream(replacement, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(Lines(lines));
            file.Flush(flushToDisk: true);
        }

        File.Move(replacement, Path, overwrite: true);
        _tailChecked = true;
    }

    private static byte[] Lines(IEnumerable<string> lines) => Encoding.UTF8.GetBytes(string.Concat(lines.Select(static line => line + "\n")));

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

/// <param name="Entries">The entries read, oldest first: the file's first lines, to remove once they are stored.</param>
/// <param name="Damaged">How many lines could not be read and were moved to the damaged file.</param>
internal readonly record struct SpilledEntries(List<AuditEntry> Entries, int Damaged);
