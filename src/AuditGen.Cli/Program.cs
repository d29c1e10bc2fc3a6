using System.CommandLine;
using AuditGen.Cli;
using AuditGen.Cli.Commands;
using AuditGen.Stores;
using Spectre.Console;

var root = new RootCommand("""
    auditgen: export, verify, follow, count and purge an AuditGen audit log.
    Exit codes: 0 done, 1 chain broken (verify), 2 wrong command line, 3 audit log unusable.
    """)
{
    ExportCommand.Create(),
    VerifyCommand.Create(),
    TailCommand.Create(),
    StatsCommand.Create(),
    PurgeCommand.Create(),
};

// Piped into a file or a CI log, output is plain text: no colours, no cursor movement.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Capabilities.Ansi = false;
    AnsiConsole.Profile.Capabilities.Interactive = false;
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"auditgen: {error.Message} (see auditgen --help)");
    }

    return ExitCodes.Usage;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (AuditStoreException exception)
{
    Console.Error.WriteLine($"auditgen: {exception.Message}");
    return ExitCodes.StoreError;
}
catch (FormatException exception)
{
    Console.Error.WriteLine($"auditgen: {exception.Message}");
    return ExitCodes.Usage;
}
