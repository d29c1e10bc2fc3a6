using System.Diagnostics;
using System.Text;

namespace AuditGen.Tests.Processes;

/// <summary>
/// A web app run as its own process (<c>dotnet app.dll</c>, or a native executable) on a port of 127.0.0.1 that Kestrel
/// picks itself (port 0): the address is read from the app's own "Now listening on" line, so an app of another test
/// process can never be taken for this one. Its output is kept for assertions and failure messages, and it is ready
/// once a given path answers with success.
/// </summary>
internal sealed class WebAppProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Now listening on: ";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebAppProcess(Process process)
    {
        _process = process;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<WebAppProcess> StartAsync(string assemblyPath, IReadOnlyDictionary<string, string> environment, string readinessPath)
    {
        var native = !assemblyPath.EndsWith(".dll", StringComparison.Ordinal);
        var start = new ProcessStartInfo(native ? assemblyPath : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(assemblyPath)! };
        if (!native)
        {
            start.ArgumentList.Add(assemblyPath);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        // The line that says which port Kestrel took, whatever the app's own log level.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

        var app = new WebAppProcess(Process.Start(start)!);
        app._process.OutputDataReceived += (_, e) => app.Append(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        app.BaseAddress = await app.WaitForAddressAsync();
        await app.WaitUntilReadyAsync(readinessPath);
        return app;
    }

    /// <summary>Kills the process with SIGKILL: no shutdown, no drain, as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: false);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.IndexOf(ListeningPrefix, StringComparison.Ordinal) is >= 0 and var at)
        {
            _listening.TrySetResult(new Uri(line[(at + ListeningPrefix.Length)..].Trim()));
        }
    }

    private async Task<Uri> WaitForAddressAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!_listening.Task.IsCompleted)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The app did not say where it listens:\n{Output}");
            }

            await Task.WhenAny(_listening.Task, Task.Delay(100));
        }

        return await _listening.Task;
    }

    private async Task WaitUntilReadyAsync(string readinessPath)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await probe.GetAsync(readinessPath);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The app did not start:\n{Output}");
    }
}
