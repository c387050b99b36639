using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using ClayBus.Testing;

namespace ClayBus.EnricherBench;

/// <summary>
/// A ClayBus service or ClaySim started from its build output (the same configuration as this benchmark), like
/// tests/Testing's ServiceProcess, but with its process id at hand for reading its memory from /proc.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ChildProcess(string name, Process process, Uri baseAddress)
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

    /// <param name="project">The project folder, e.g. <c>src/Enricher</c>.</param>
    public static ChildProcess Start(string project, string name, IReadOnlyDictionary<string, string?> environment)
    {
        var dll = Path.Combine(ServiceProcess.RepositoryRoot, project, "bin", BuildConfiguration, "net10.0", $"ClayBus.{Path.GetFileName(project)}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is not built: run `dotnet build -c {BuildConfiguration} {project}` first", dll);
        }

        var port = ServiceProcess.FreePort();
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            Environment =
            {
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["MASSTRANSIT_USAGE_TELEMETRY"] = "false",
            },
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
        return new ChildProcess(name, process, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async Task WaitReadyAsync(string path = "health/ready")
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

                    using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
                    return response.IsSuccessStatusCode;
                },
                TimeSpan.FromSeconds(90),
                $"{Name} to answer {path}",
                TimeSpan.FromMilliseconds(200));
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException(exception.Message + Environment.NewLine + string.Join(Environment.NewLine, _output.TakeLast(30)), exception);
        }
    }

    /// <summary>Resident memory now (<c>VmRSS</c>) and at its peak so far (<c>VmHWM</c>), in MB.</summary>
    public (double Now, double Peak) ResidentMegabytes()
    {
        var lines = File.ReadAllLines($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/status");
        return (Field(lines, "VmRSS:"), Field(lines, "VmHWM:"));
    }

    /// <summary>The last lines the process printed: shown when a run goes wrong.</summary>
    public IEnumerable<string> LastOutput(int lines) => _output.TakeLast(lines);

    /// <summary>SIGKILL: the benchmark does not measure shutdown, and the broker requeues what was in flight.</summary>
    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }

    private static double Field(string[] lines, string name) =>
        double.Parse(lines.First(l => l.StartsWith(name, StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;

    private static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
            while (_output.Count > 500 && _output.TryDequeue(out _))
            {
            }
        }
    }
}
