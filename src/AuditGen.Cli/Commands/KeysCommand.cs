using System.CommandLine;
using AuditGen.Ledger;

namespace AuditGen.Cli.Commands;

internal static class KeysCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--name")
        {
            Description = "The log's name, which starts every checkpoint: a host name and path you control, e.g. example.com/audit.",
            Required = true,
        };
        var witness = new Option<bool>("--witness")
        {
            Description = "Make a witness's key (Witness:SigningKey of the AuditGen witness) instead of a log's: it cosigns checkpoints.",
        };
        var generate = new Command("generate", """
            Make a new Ed25519 log key. Prints the signing key (AuditGen:Ledger:SigningKey: keep it secret, outside
            the database) and the verifier key (publish it: auditors and `auditgen verify --verifier-key` use it).
            With --witness, a witness's key: its signing key is Witness:SigningKey of the witness, and its verifier
            key is what logs and auditors check its cosignatures with.

            Examples:
              auditgen keys generate --name example.com/audit
              auditgen keys generate --witness --name witness.example.org/w1
            """)
        {
            name,
            witness,
        };
        generate.SetAction(result =>
        {
            var logName = result.GetValue(name)!;
            if (!NoteKeys.IsValidName(logName))
            {
                throw new UsageException($"--name cannot name a key: it must not be empty, nor hold spaces or '+' (was '{logName}').");
            }

            var (signingKey, verifierKey) = result.GetValue(witness) ? WitnessKeys(logName) : LogKeys(logName);
            Console.Out.WriteLine($"signing key:  {signingKey}");
            Console.Out.WriteLine($"verifier key: {verifierKey}");
            return ExitCodes.Success;
        });

        return new Command("keys", "Make the keys an audit log signs its checkpoints with, and a witness its cosignatures.") { generate };
    }

    private static (string Signing, string Verifier) LogKeys(string name)
    {
        var signingKey = NoteSigner.Generate(name);
        using var signer = NoteSigner.TryParse(signingKey, out var parsed, out var problem) ? parsed! : throw new InvalidOperationException($"A generated key did not read back: {problem}");
        return (signingKey, signer.Verifier.ToString());
    }

    private static (string Signing, string Verifier) WitnessKeys(string name)
    {
        var signingKey = Cosigner.Generate(name);
        using var cosigner = Cosigner.TryParse(signingKey, out var parsed, out var problem) ? parsed! : throw new InvalidOperationException($"A generated key did not read back: {problem}");
        return (signingKey, cosigner.Verifier.ToString());
    }
}
