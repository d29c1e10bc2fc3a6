namespace AuditGen.Witness;

/// <summary>The witness's settings, from the <c>Witness</c> configuration section.</summary>
internal sealed class WitnessOptions
{
    public const string SectionName = "Witness";

    /// <summary>The witness's own signing key (<c>PRIVATE+KEY+name+id+base64(0x04 || seed)</c>), which its cosignatures carry.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The verifier keys of the logs it witnesses; a log is known by its key's name, the checkpoints' origin.</summary>
    public IList<string> Logs { get; } = [];

    /// <summary>The SQLite file where it remembers the newest checkpoint it cosigned of each log.</summary>
    public string Database { get; set; } = "witness.db";
}
