namespace AuditGen.Pipeline;

/// <summary>A durable store that can also be read back: what the CLI opens, and what the SQLite and PostgreSQL stores are.</summary>
internal interface IReadableAuditStore : IAuditStore, IAuditLog;
