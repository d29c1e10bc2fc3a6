namespace AuditGen.Pipeline;

/// <summary>What an audit log holds and how far each sink has got.</summary>
/// <param name="Records">Records stored (after retention).</param>
/// <param name="LastSequence">The newest record's sequence; 0 when empty.</param>
/// <param name="CheckpointSequence">The last record removed by retention; 0 when none was.</param>
/// <param name="Actions">Records per action, most first.</param>
/// <param name="Sinks">Each sink's delivery state.</param>
public sealed record AuditLogStatistics(long Records, long LastSequence, long CheckpointSequence, IReadOnlyList<AuditActionCount> Actions, IReadOnlyList<AuditSinkState> Sinks);

/// <summary>Records of one action.</summary>
public sealed record AuditActionCount(string Action, long Count);

/// <summary>One sink's delivery state.</summary>
/// <param name="Sink">The sink's name.</param>
/// <param name="Cursor">The last record it finished with.</param>
/// <param name="Backlog">Records it has still to take.</param>
/// <param name="DeadLetters">Records it refused for good.</param>
public sealed record AuditSinkState(string Sink, long Cursor, long Backlog, long DeadLetters);
