using System.Diagnostics;
using System.Reflection;

namespace AuditGen.Tests.Cli;

/// <summary>
/// Runs the real `auditgen` executable (the test assembly's <c>CliPath</c> metadata) with plain-text output, an
/// environment free of the variables the CLI reads, and any the test sets.
/// </summary>
internal static class AuditGenCli
{
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var cli = typeof(AuditGenCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CliPath").Value!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(cli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["NO_COLOR"] = "1";
        foreach (var inherited in new[] { "WORKOS_API_KEY", "AUDITGEN_POSTGRES", "AUDITGEN_CHAIN_KEY" })
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await errors);
    }
}
