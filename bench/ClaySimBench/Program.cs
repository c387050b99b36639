using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

// How many records a second ClaySim accepts with its limits off: it must never be what limits a ClayBus benchmark
// (at least 20,000 on 2 cores). Knobs: CLAYBUS_BENCH_QUICK=1 (3 s instead of 15 s), CLAYBUS_BENCH_SENDERS (16).
var quick = Environment.GetEnvironmentVariable("CLAYBUS_BENCH_QUICK") == "1";
var duration = TimeSpan.FromSeconds(quick ? 3 : 15);
var senders = int.TryParse(Environment.GetEnvironmentVariable("CLAYBUS_BENCH_SENDERS"), out var n) ? n : 16;
const int RecordsPerRequest = 20;

var root = RepositoryRoot();
string[] configurations = ["Release", "Debug"];
var dll = configurations
    .Select(c => Path.Combine(root, "tools", "ClaySim", "bin", c, "net10.0", "ClayBus.ClaySim.dll"))
    .Where(File.Exists)
    .OrderByDescending(File.GetLastWriteTimeUtc)
    .FirstOrDefault() ?? throw new FileNotFoundException("ClaySim is not built: run `dotnet build -c Release tools/ClaySim` first");
var port = FreePort();
var start = new ProcessStartInfo("dotnet", [dll])
{
    UseShellExecute = false,
    RedirectStandardOutput = true,
    RedirectStandardError = true,
    WorkingDirectory = Path.GetDirectoryName(dll)!,
    Environment =
    {
        ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
        ["ClaySim__LimitsEnabled"] = "false",
        ["ClaySim__EnrichmentEnabled"] = "false",
        ["ClaySim__PrintWebhookUrls"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
    },
};
using var sim = Process.Start(start) ?? throw new InvalidOperationException("could not start ClaySim");
sim.OutputDataReceived += (_, _) => { };
sim.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("claysim: " + e.Data); };
sim.BeginOutputReadLine();
sim.BeginErrorReadLine();
try
{
    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = senders, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
    using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    await WaitReady(http);

    // An auto-delete table: uncapped, so the run measures ingest and not the 50,000-record lifetime cap.
    (await http.PostAsJsonAsync("/_sim/tables", new { key = "bench", autoDelete = true })).EnsureSuccessStatusCode();
    var hook = JsonNode.Parse(await (await http.PostAsJsonAsync("/_sim/tables/bench/webhooks", new { withToken = true })).Content.ReadAsStringAsync())!;
    var path = $"/v3/sources/webhook/{hook["id"]}";
    var token = hook["token"]!.GetValue<string>();

    var warmup = Stopwatch.StartNew();
    await Hammer(http, path, token, senders, TimeSpan.FromSeconds(quick ? 1 : 3));
    Console.WriteLine($"warm-up done in {warmup.Elapsed.TotalSeconds:F1}s");

    var before = await Accepted(http);
    var clock = Stopwatch.StartNew();
    var failures = await Hammer(http, path, token, senders, duration);
    var elapsed = clock.Elapsed;
    var accepted = await Accepted(http) - before;
    sim.Refresh();
    var rssMb = ResidentMegabytes(sim);
    var perSecond = accepted / elapsed.TotalSeconds;

    Console.WriteLine($"ClaySim accepted {accepted:N0} records in {elapsed.TotalSeconds:F1}s from {senders} senders ({RecordsPerRequest} records a request): {perSecond:N0} records/s, RSS {rssMb:N0} MB, {failures} failed requests");
    var results = Path.Combine(root, "bench", "results", "claysim.json");
    Directory.CreateDirectory(Path.GetDirectoryName(results)!);
    await File.WriteAllTextAsync(results, JsonSerializer.Serialize(new
    {
        benchmark = "claysim",
        figures = new Dictionary<string, double> { ["records_per_s"] = Math.Round(perSecond), ["rss_mb"] = Math.Round(rssMb, 1) },
    }) + "\n");
    Console.WriteLine($"wrote {results}");
    return failures == 0 && perSecond > 0 ? 0 : 1;
}
finally
{
    sim.Kill(entireProcessTree: true);
    await sim.WaitForExitAsync();
}

static async Task<long> Hammer(HttpClient http, string path, string token, int senders, TimeSpan duration)
{
    long failures = 0;
    using var stop = new CancellationTokenSource(duration);
    await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
    {
        var sequence = 0L;
        while (!stop.IsCancellationRequested)
        {
            var body = Batch(sender, ref sequence);
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("x-clay-webhook-auth", token);
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref failures);
            }
        }
    })));
    return failures;
}

static byte[] Batch(int sender, ref long sequence)
{
    var text = new StringBuilder(4_096).Append('[');
    for (var i = 0; i < RecordsPerRequest; i++)
    {
        var id = sequence++;
        text.Append(i == 0 ? "" : ",")
            .Append(CultureInfo.InvariantCulture, $"{{\"claybus_row_id\":\"s{sender}-{id}\",\"claybus_job_id\":\"bench-job\",\"email\":\"lead{id}@example.com\",\"first_name\":\"Ada\",\"last_name\":\"Lovelace\",\"company_domain\":\"example.com\",\"title\":\"CTO\"}}");
    }

    return Encoding.UTF8.GetBytes(text.Append(']').ToString());
}

static async Task<long> Accepted(HttpClient http) =>
    JsonNode.Parse(await http.GetStringAsync("/_sim/counters"))!["totals"]!["recordsAccepted"]!.GetValue<long>();

static async Task WaitReady(HttpClient http)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromSeconds(60))
    {
        try
        {
            if ((await http.GetAsync("/_sim/health")).IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(200);
    }

    throw new TimeoutException("ClaySim did not answer /_sim/health within 60 s");
}

static double ResidentMegabytes(Process process)
{
    var status = Path.Combine("/proc", process.Id.ToString(CultureInfo.InvariantCulture), "status");
    var line = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) : null;
    return line is null
        ? process.WorkingSet64 / 1024.0 / 1024.0
        : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

static string RepositoryRoot()
{
    var directory = new DirectoryInfo(AppContext.BaseDirectory);
    while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ClayBus.sln")))
    {
        directory = directory.Parent;
    }

    return directory?.FullName ?? throw new DirectoryNotFoundException("ClayBus.sln not found above " + AppContext.BaseDirectory);
}
