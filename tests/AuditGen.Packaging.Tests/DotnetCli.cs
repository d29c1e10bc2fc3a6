using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace AuditGen.Packaging.Tests;

/// <summary>Runs the real <c>dotnet</c> CLI, as a user's machine or CI would.</summary>
internal static class DotnetCli
{
    public static string RepositoryRoot { get; } =
        typeof(DotnetCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, params string[] arguments) =>
        RunProgramAsync("dotnet", workingDirectory, arguments);

    /// <summary>Runs any program (e.g. an installed tool's command) the same way, with the same clean environment.</summary>
    public static async Task<(int ExitCode, string Output)> RunProgramAsync(string program, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A nested build must not join the test run's MSBuild node or inherit its properties.
        start.Environment["MSBuildExtensionsPath"] = null;
        start.Environment["MSBUILD_EXE_PATH"] = null;
        start.Environment["MSBuildSDKsPath"] = null;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = PumpAsync(process.StandardOutput, output);
        var stderr = PumpAsync(process.StandardError, output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish:{Environment.NewLine}{output}");
        }

        await Task.WhenAll(stdout, stderr);
        return (process.ExitCode, output.ToString());
    }

    private static async Task PumpAsync(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
