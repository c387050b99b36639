using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using ClayBus.Bench;
using ClayBus.Testing;

namespace ClayBus.SagaFootprintBench;

/// <summary>
/// The Submitter as its own process (from its build output) on a fresh vhost and Redis prefix, sent one JSON job
/// streamed from a file on disk; its peak RSS is VmHWM in /proc. Around it, the same stand-ins as SubmitterBench's
/// (<see cref="SubmitterStandIns"/>).
/// </summary>
internal static class SubmitterRss
{
    public static async Task<double> JsonJobPeakMbAsync(int rows)
    {
        var infrastructure = new InfrastructureFixture();
        await infrastructure.InitializeAsync();
        var file = Path.Combine(Path.GetTempPath(), $"claybus-bench-json-{Guid.NewGuid():N}.json");
        try
        {
            var rabbit = infrastructure.Settings;
            var (host, vhost, user, password) = (rabbit["RabbitMq:Host"]!, rabbit["RabbitMq:VirtualHost"]!, rabbit["RabbitMq:Username"]!, rabbit["RabbitMq:Password"]!);
            var ledger = await SubmitterStandIns.StartLedgerAsync(host, vhost, user, password);
            await SubmitterStandIns.DeclareCappedDeliverBatchAsync(host, vhost, user, password);
            var size = GenerateJson(file, rows);
            var apiKey = $"bench-only-{Guid.NewGuid():N}";
            var dll = Path.Combine(Root.Path, "src", "Submitter", "bin", Root.Configuration, "net10.0", "ClayBus.Submitter.dll");
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet", [dll])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = Path.GetDirectoryName(dll)!,
            };
            foreach (var (key, value) in infrastructure.Environment)
            {
                start.Environment[key] = value;
            }

            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["MASSTRANSIT_USAGE_TELEMETRY"] = "false";
            start.Environment["Admission__Policy"] = "split";
            start.Environment["Ingest__MaxJsonBytes"] = (size + 1024).ToString(CultureInfo.InvariantCulture);
            start.Environment["ClayBus__Logging__MinimumLevel"] = "Warning";
            start.Environment["Security__ApiKeys__bench__Hash"] = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
            start.Environment["Security__ApiKeys__bench__Roles__0"] = "submit";
            start.Environment["Security__ApiKeys__bench__PermitsPerMinute"] = "100000";
            using var submitter = Process.Start(start) ?? throw new InvalidOperationException("could not start the Submitter");
            submitter.OutputDataReceived += (_, _) => { };
            submitter.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("submitter: " + e.Data); };
            submitter.BeginOutputReadLine();
            submitter.BeginErrorReadLine();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan };
                http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
                await Eventually.Until(async () => await ReadyAsync(http), TimeSpan.FromSeconds(60), "the Submitter to be ready");
                var clock = Stopwatch.StartNew();
                await using var body = File.OpenRead(file);
                using var content = new StreamContent(body, 64 * 1024);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync(new Uri("/jobs", UriKind.Relative), content);
                var answer = await response.Content.ReadAsStringAsync();
                if ((int)response.StatusCode != 202)
                {
                    throw new InvalidOperationException($"the Submitter answered {(int)response.StatusCode}: {answer[..Math.Min(answer.Length, 2000)]}");
                }

                var peak = PeakRssMb(submitter.Id);
                Console.WriteLine($"{rows:N0}-row JSON job ({size / 1e6:F0} MB) accepted in {clock.Elapsed.TotalSeconds:F0} s, Submitter peak RSS {peak:F0} MB");
                return Math.Round(peak);
            }
            finally
            {
                submitter.Kill(entireProcessTree: true);
                await submitter.WaitForExitAsync();
                await ledger.StopAsync();
            }
        }
        finally
        {
            File.Delete(file);
            await infrastructure.DisposeAsync();
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http)
    {
        try
        {
            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return ready.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static long GenerateJson(string path, int rows)
    {
        string[] industries = ["Software", "Banking", "Retail", "SaaS", "Insurance", "Healthcare"];
        var run = Guid.NewGuid().ToString("N")[..8];
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write("{\"table\":\"auto\",\"priority\":\"low\",\"rows\":[");
            for (var index = 1; index <= rows; index++)
            {
                writer.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{(index == 1 ? "" : ",")}{{\"email\":\"first{index}.last{index}.{run}@company{index % 50_000}.com\",\"first_name\":\"First{index}\",\"last_name\":\"Last{index}\",\"company\":\"Company {index % 50_000}\",\"industry\":\"{industries[index % industries.Length]}\",\"source\":\"crm\"}}"));
            }

            writer.Write("]}");
        }

        return new FileInfo(path).Length;
    }

    private static double PeakRssMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The repository this benchmark runs from, and the configuration it was built in (the Submitter's matches).</summary>
internal static class Root
{
    public static string Path { get; } = Find();

    public static string Configuration =>
        AppContext.BaseDirectory.Contains($"{System.IO.Path.DirectorySeparatorChar}Release{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "ClayBus.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ClayBus.sln not found");
    }
}
