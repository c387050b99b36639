using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ClayBus.Testing;

/// <summary>
/// A ClayBus service (or ClaySim) running as its own process from its build output, as in production: killed with
/// SIGKILL to prove crash safety, its every output line kept so tests can read (and search) the logs.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServiceProcess(string name, Process process, Uri baseAddress)
    {
        Name = name;
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public IReadOnlyCollection<string> Output => _output;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <c>ClayBus.&lt;project&gt;.dll</c> from the same build configuration as the running tests.</summary>
    /// <param name="project">The project folder under the repository, e.g. <c>src/Enricher</c> or <c>tools/ClaySim</c>.</param>
    public static ServiceProcess Start(string project, IReadOnlyDictionary<string, string?> environment, int? port = null, string? name = null)
    {
        TestInfrastructure.Needs("a service process (" + project + ")", project);
        var assemblyName = "ClayBus." + Path.GetFileName(project);
        var dll = Path.Combine(RepositoryRoot, project, "bin", BuildConfiguration, "net10.0", assemblyName + ".dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built: build the solution before running these tests", dll);
        }

        var listen = port ?? FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{listen}";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["MASSTRANSIT_USAGE_TELEMETRY"] = "false";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
        return new ServiceProcess(name ?? assemblyName, process, new Uri($"http://127.0.0.1:{listen}/"));
    }

    /// <summary>Waits until <paramref name="path"/> answers 200 (e.g. <c>health/ready</c>), or fails with the process's last output.</summary>
    public async Task WaitReadyAsync(string path = "health/ready", TimeSpan? deadline = null)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            await Eventually.Until(
                async () =>
                {
                    if (_process.HasExited)
                    {
                        throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}");
                    }

                    using var response = await http.GetAsync(path);
                    return response.StatusCode == HttpStatusCode.OK;
                },
                deadline ?? TimeSpan.FromSeconds(60),
                $"{Name} to answer {path}",
                TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException(exception.Message + Environment.NewLine + string.Join(Environment.NewLine, _output.TakeLast(40)), exception);
        }
    }

    /// <summary>kill -9: no shutdown hooks, no graceful stop. What a crash looks like.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM and wait: a graceful stop, as Kubernetes does it.</summary>
    public async Task StopAsync(TimeSpan? deadline = null)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await term!.WaitForExitAsync();
        }

        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(15));
        _process.Dispose();
    }

    /// <summary>
    /// A port nothing listens on, below Linux's ephemeral range (32768-60999) and the brokers' ports: a port the system
    /// hands out as free is also what outgoing connections take as their source, and one took it between this pick and
    /// the service binding it (the Monitor failed to start, and the test read another process's answers as its own).
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 25_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: draw again.
            }
        }

        throw new InvalidOperationException("no free port between 20000 and 25000 for a service process");
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClayBus.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ClayBus.sln not found above " + AppContext.BaseDirectory);
    }
}
