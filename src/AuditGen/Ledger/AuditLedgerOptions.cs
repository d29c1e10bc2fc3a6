namespace AuditGen.Ledger;

/// <summary>How the audit log signs its checkpoints, bound from <c>AuditGen:Ledger</c>.</summary>
public sealed class AuditLedgerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "AuditGen:Ledger";

    /// <summary>
    /// The log's signing key, in the signed-note form <c>PRIVATE+KEY+name+id+key</c> (<c>auditgen keys generate</c> makes
    /// one). Keep it outside the database, like any secret. Its name is the log's origin, the first line of every
    /// checkpoint. Without it checkpoints are unsigned: they still catch edits, but not someone who rewrites the log and
    /// its checkpoints together.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>The longest a new record waits before the top-level log commits to it (default 1 second).</summary>
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Witnesses the log's newest checkpoint is submitted to, each as <c>URL=VERIFIERKEY</c>: the witness's
    /// <c>add-checkpoint</c> prefix (http or https) and its cosigning verifier key (<c>auditgen keys generate --witness</c>).
    /// A witness remembers the newest checkpoint it cosigned outside the log's database, so a log put back from an
    /// older copy, or forked, is caught even by someone holding the signing key. Needs <see cref="SigningKey"/>.
    /// </summary>
    public IList<string> Witnesses { get; } = [];

    /// <summary>How many witnesses must cosign for the log to count as witnessed (default: all of them).</summary>
    public int? WitnessQuorum { get; set; }

    /// <summary>How often the newest checkpoint is submitted to the witnesses (default 1 minute); an unchanged one is cosigned again.</summary>
    public TimeSpan WitnessInterval { get; set; } = TimeSpan.FromMinutes(1);
}
