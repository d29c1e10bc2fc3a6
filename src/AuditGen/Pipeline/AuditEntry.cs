using AuditGen.Events;

namespace AuditGen.Pipeline;

/// <summary>An event ready to store: its WorkOS JSON and what the pipeline had to say about it.</summary>
/// <param name="Event">The event.</param>
/// <param name="EventJson">The event's WorkOS JSON (the <c>event</c> member of a create-event request), UTF-8.</param>
/// <param name="Adjustments">Changes made to fit WorkOS's limits, e.g. truncated values; empty when none.</param>
/// <param name="Rejection">Why WorkOS would reject the event, or <see langword="null"/> when it is valid.</param>
internal sealed record AuditEntry(AuditEvent Event, ReadOnlyMemory<byte> EventJson, IReadOnlyList<string> Adjustments, string? Rejection);
