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
        var generate = new Command("generate", """
            Make a new Ed25519 log key. Prints the signing key (AuditGen:Ledger:SigningKey: keep it secret, outside
            the database) and the verifier key (publish it: auditors and `auditgen verify --verifier-key` use it).

            Example:
              auditgen keys generate --name example.com/audit
            """)
        {
            name,
        };
        generate.SetAction(result =>
        {
            var logName = result.GetValue(name)!;
            if (!NoteKeys.IsValidName(logName))
            {
                throw new UsageException($"--name cannot name a key: it must not be empty, nor hold spaces or '+' (was '{logName}').");
            }

            var signingKey = NoteSigner.Generate(logName);
            if (!NoteSigner.TryParse(signingKey, out var signer, out var problem))
            {
                throw new InvalidOperationException($"A generated key did not read back: {problem}");
            }

            using (signer)
            {
                Console.Out.WriteLine($"signing key:  {signingKey}");
                Console.Out.WriteLine($"verifier key: {signer!.Verifier}");
            }

            return ExitCodes.Success;
        });

        return new Command("keys", "Make the keys an audit log signs its checkpoints with.") { generate };
    }
}
