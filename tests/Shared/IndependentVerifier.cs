using System.Diagnostics;

namespace AuditGen.Tests.Processes;

/// <summary>
/// Runs <c>tests/IndependentVerifiers/verify-proven-export.mjs</c>: a verifier of proven exports written in JavaScript
/// from docs/proofs.md and the specifications alone, on Node's own crypto, sharing no code with AuditGen.
/// </summary>
internal static class IndependentVerifier
{
    public static async Task<(int ExitCode, string Output)> VerifyAsync(string export, string logKey, params string[] options)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "IndependentVerifiers", "verify-proven-export.mjs");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[script, export, logKey, .. options])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, (await output) + (await errors));
    }
}
