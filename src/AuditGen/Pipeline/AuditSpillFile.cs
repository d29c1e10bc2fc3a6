using System.Text;
using System.Text.Json;
using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>
/// Events that found the queue full, kept on local disk as JSON lines until the store takes them.
/// Each line holds the prepared event (its exact WorkOS JSON) and the fields the store indexes.
/// Lines are appended and flushed under a lock; the store writer reads them all, commits them, and
/// only then empties the file, so a crash in between replays them (appends are idempotent on the id).
/// </summary>
internal sealed class AuditSpillFile(string path)
{
    private readonly Lock _lock = new();

    // Whether the file holds entries; null until first asked. The store writer asks after every batch, and only this
    // instance writes the file, so the answer is kept rather than asked of the disk each time.
    private bool? _hasEntries;

    public string Path { get; } = path;

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
            using var file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(buffer.WrittenSpan);
            file.WriteByte((byte)'\n');
            file.Flush(flushToDisk: true);
            _hasEntries = true;
        }
    }

    /// <summary>Every spilled entry, oldest first; empty when nothing is spilled.</summary>
    public List<AuditEntry> ReadAll()
    {
        lock (_lock)
        {
            _hasEntries ??= File.Exists(Path);
            if (!_hasEntries.Value)
            {
                return [];
            }

            return File.ReadAllLines(Path, Encoding.UTF8).Where(line => line.Length > 0).Select(Read).ToList();
        }
    }

    /// <summary>Forgets entries the store has committed; appends made since reading are kept.</summary>
    public void RemoveFirst(int count)
    {
        lock (_lock)
        {
            var remaining = File.ReadAllLines(Path, Encoding.UTF8).Where(line => line.Length > 0).Skip(count).ToArray();
            if (remaining.Length == 0)
            {
                File.Delete(Path);
                _hasEntries = false;
            }
            else
            {
                File.WriteAllLines(Path, remaining);
            }
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
