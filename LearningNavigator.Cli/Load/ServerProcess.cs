using System.Diagnostics;
using System.Runtime.InteropServices;
using LearningNavigator.Web.Observability;

namespace LearningNavigator.Cli.Load;

/// <summary>
/// The web app as deployed, in a process of its own (<c>dotnet LearningNavigator.Web.dll</c>, with its own
/// runtimeconfig: Server GC), on a free loopback port. Its CPU and memory are then the server's alone, not mixed
/// with the simulated clients'. Disposing stops it; it never outlives this tool.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private const string ListeningOn = "Now listening on: ";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    private readonly TextWriter log;
    private readonly TaskCompletionSource<Uri> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly EventHandler killOnExit;
    private readonly List<PosixSignalRegistration> signals = [];
    private bool forwarding;

    private ServerProcess(Process process, TextWriter log)
    {
        Process = process;
        this.log = log;
        killOnExit = (_, _) => Kill();
    }

    public Process Process { get; }

    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>
    /// Starts the web app from this tool's own folder (the build copies it there with its runtimeconfig, deps and
    /// static web assets manifest), with <paramref name="settings"/> as environment variables, and returns once
    /// <c>/health/ready</c> answers 200.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, TextWriter log, CancellationToken cancellationToken)
    {
        var folder = AppContext.BaseDirectory;
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = folder,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        start.ArgumentList.Add(Path.Combine(folder, "LearningNavigator.Web.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        // Development is the one environment in which ASP.NET Core serves the static web assets (blazor.web.js,
        // MudBlazor's files) from the build output rather than a published wwwroot; the app itself only uses it
        // to skip the error page and HSTS, neither of which the load touches.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value ?? string.Empty;
        }

        var server = new ServerProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, TextWriter.Synchronized(log));
        server.Process.OutputDataReceived += (_, e) => server.OnOutput(e.Data);
        server.Process.ErrorDataReceived += (_, e) => server.OnError(e.Data);
        server.Process.Exited += (_, _) => server.listening.TrySetException(
            new InvalidOperationException($"The web app exited with code {server.Process.ExitCode} before it was ready (its output is above, prefixed 'server|')."));
        try
        {
            server.Process.Start();
            AppDomain.CurrentDomain.ProcessExit += server.killOnExit;
            server.KillOnSignals();
            server.Process.BeginOutputReadLine();
            server.Process.BeginErrorReadLine();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StartTimeout);
            server.BaseAddress = await server.listening.Task.WaitAsync(timeout.Token);
            await WaitUntilReadyAsync(server, timeout.Token);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks the app to stop (SIGTERM: queued writes are flushed), then kills what is left of its tree.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!Process.HasExited)
            {
                if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
                {
                    _ = NativeMethods.Kill(Process.Id, NativeMethods.SigTerm);
                }

                using var grace = new CancellationTokenSource(StopGrace);
                try
                {
                    await Process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    Kill();
                    await Process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to stop.
        }
        finally
        {
            // Only now: on Ctrl+C the command line gives the tool a moment to stop, and may exit while this waits.
            AppDomain.CurrentDomain.ProcessExit -= killOnExit;
            foreach (var signal in signals)
            {
                signal.Dispose();
            }

            Process.Dispose();
        }
    }

    private static async Task WaitUntilReadyAsync(ServerProcess server, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(ObservabilityEndpoints.ReadyPath, cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not answering yet.
            }

            if (server.Process.HasExited)
            {
                throw new InvalidOperationException($"The web app exited with code {server.Process.ExitCode} before it was ready.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>The dotnet host running this tool, so the app runs on the same runtime.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";

    /// <summary>
    /// Ctrl+C or a stop signal may end this tool before its clean-up runs (no ProcessExit on a signal), so the
    /// server goes first; the signal then takes its usual course.
    /// </summary>
    private void KillOnSignals()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP })
        {
            try
            {
                signals.Add(PosixSignalRegistration.Create(signal, _ => Kill()));
            }
            catch (PlatformNotSupportedException)
            {
                // Not a signal this system raises.
            }
        }
    }

    private void Kill()
    {
        try
        {
            Process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Keeps the console quiet: only the listening address is read, and what the app logs at warning or above
    /// (a level line such as <c>warn: Category[0]</c> and its indented message lines) is shown.
    /// </summary>
    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        var at = line.IndexOf(ListeningOn, StringComparison.Ordinal);
        if (at >= 0 && Uri.TryCreate(line[(at + ListeningOn.Length)..].Trim(), UriKind.Absolute, out var address))
        {
            listening.TrySetResult(address);
            return;
        }

        if (line.StartsWith("warn: ", StringComparison.Ordinal) || line.StartsWith("fail: ", StringComparison.Ordinal) || line.StartsWith("crit: ", StringComparison.Ordinal))
        {
            forwarding = true;
        }
        else if (!line.StartsWith(' '))
        {
            forwarding = false;
        }

        if (forwarding)
        {
            log.WriteLine($"  server| {line}");
        }
    }

    private void OnError(string? line)
    {
        if (line is not null)
        {
            log.WriteLine($"  server! {line}");
        }
    }

    private static class NativeMethods
    {
        public const int SigTerm = 15;

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
