using System.CommandLine;
using AuditGen.Cli;
using AuditGen.Cli.Commands;
using AuditGen.Pipeline;
using Spectre.Console;

var root = new RootCommand("""
    auditgen: export, verify, follow, count and purge an AuditGen audit log; list and re-drive dead letters;
    export and push WorkOS schemas.
    Exit codes: 0 done, 1 chain broken (verify), 2 wrong command line, 3 audit log or file unusable,
    4 WorkOS refused, 5 WorkOS unreachable (schemas push).
    """)
{
    ExportCommand.Create(),
    VerifyCommand.Create(),
    VerifyExportCommand.Create(),
    TailCommand.Create(),
    StatsCommand.Create(),
    PurgeCommand.Create(),
    DeadLettersCommand.Create(),
    SchemasCommand.Create(),
    KeysCommand.Create(),
};

// Without a command, one clear line; without this action System.CommandLine also reports a missing command beside an unknown one.
root.SetAction(int (_) => throw new UsageException("Name a command: export, verify, tail, stats, purge, dead-letters or schemas."));

// Piped into a file or a CI log, output is plain text: no colours, no cursor movement.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Capabilities.Interactive = false;
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"auditgen: {string.Join(" ", parsed.Errors.Select(ParseErrorMessages.Describe))} (see auditgen --help)");
    return ExitCodes.Usage;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (UsageException exception)
{
    Console.Error.WriteLine($"auditgen: {exception.Message} (see auditgen --help)");
    return ExitCodes.Usage;
}
catch (Exception exception) when (exception is not OperationCanceledException)
{
    // Whatever went wrong with the audit log or the output file, one line, never a stack trace.
    Console.Error.WriteLine($"auditgen: {(exception is AuditStoreException ? "" : exception.GetType().Name + ": ")}{exception.Message.ReplaceLineEndings(" ")}");
    return ExitCodes.StoreError;
}
