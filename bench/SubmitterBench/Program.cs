using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClayBus.Bench;
using StackExchange.Redis;

// CSV ingest into published, broker-confirmed batches, through the real Submitter process, HTTP, Redis and RabbitMQ
// (its own vhost). The broker is in the measurement: 202 comes only after every batch is confirmed. The deliver-batch
// queue is capped (x-max-length, drop-head) in this vhost so a million rows do not pile up in RabbitMQ.
// Runs each in a fresh Submitter process warmed up by a 100k-row job first (CLAYBUS_BENCH_WARMUP): 100k rows, then
// the large file three times (--repeat), whose median run by rows/s gives the figures, with the slowest and fastest.
// Peak RSS must not grow with the file (peak_rss_mb ÷ peak_rss_mb_100k ≈ 1). RabbitMQ and Redis share the machine,
// so the CPU each of the three spent per row of the large job is printed too: it shows where a 2-core machine's time
// goes and what the Submitter alone costs (submitter_rows_per_cpu_s).
//   dotnet run -c Release --project bench/SubmitterBench [-- --rows 1000000] [--repeat 3]
// Knobs: CLAYBUS_BENCH_QUICK=1 (200k rows instead of 1M, one run), CLAYBUS_BENCH_ROWS=<n> or --rows <n> (the large run).
const int Small = 100_000;
// A long-running Submitter has finished tiering its JIT code; a process this fresh has not (on 2 cores the background
// compiler took a quarter of the CPU for the first 20 s). The warm-up job brings it to that steady state.
var WarmUpRows = int.TryParse(Environment.GetEnvironmentVariable("CLAYBUS_BENCH_WARMUP"), out var warmUpWanted) ? warmUpWanted : 100_000;
var quick = Environment.GetEnvironmentVariable("CLAYBUS_BENCH_QUICK") == "1";
var large = RowsWanted(args) ?? (int.TryParse(Environment.GetEnvironmentVariable("CLAYBUS_BENCH_ROWS"), out var rowsWanted) ? rowsWanted : quick ? 200_000 : 1_000_000);
var repeat = RepeatWanted(args) ?? (quick ? 1 : 3);
if (large < 1)
{
    Console.Error.WriteLine("--rows must be a positive number of rows, e.g. --rows 1000000");
    return 2;
}

if (repeat < 1)
{
    Console.Error.WriteLine("--repeat must be a positive number of runs of the large file, e.g. --repeat 3");
    return 2;
}

var small = Math.Min(large, Small);
var root = RepositoryRoot();
var rabbitHost = Env("CLAYBUS_RABBITMQ_HOST", "localhost");
var rabbitUser = Env("CLAYBUS_RABBITMQ_USER", "claybus");
var rabbitPassword = Env("CLAYBUS_RABBITMQ_PASSWORD", "dev-only-claybus-password");
var redisEndpoints = Env("CLAYBUS_REDIS_ENDPOINTS", "localhost:6379");
var vhost = $"bench-submitter-{Guid.NewGuid():N}";
var prefix = $"bench-submitter-{Guid.NewGuid():N}:";
// A key of this run only: the Submitter keeps its SHA-256, the benchmark sends the key.
var apiKey = $"bench-only-{Guid.NewGuid():N}";
var apiKeyHash = "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");

using var management = new HttpClient { BaseAddress = new Uri($"http://{rabbitHost}:15672/api/") };
management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbitUser}:{rabbitPassword}")));
(await management.PutAsync($"vhosts/{vhost}", null)).EnsureSuccessStatusCode();
(await management.PutAsync($"permissions/{vhost}/{rabbitUser}", JsonContent($$"""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
var ledger = await SubmitterStandIns.StartLedgerAsync(rabbitHost, vhost, rabbitUser, rabbitPassword);
await SubmitterStandIns.DeclareCappedDeliverBatchAsync(rabbitHost, vhost, rabbitUser, rabbitPassword);
var results = new List<(int Rows, double RowsPerSecond, double PeakRssMb, double Seconds, CpuPerRow Cpu)>();
try
{
    foreach (var rows in new[] { small, large }.Distinct())
    {
        for (var run = 0; run < (rows == large ? repeat : 1); run++)
        {
            // A new file each run: the same leads again would be skipped as sent and nothing published.
            var csv = Path.Combine(Path.GetTempPath(), $"claybus-bench-{rows}-{run}.csv");
            GenerateCsv(csv, rows);
            results.Add(await RunAsync(csv, rows));
            File.Delete(csv);
        }
    }
}
finally
{
    await ledger.StopAsync();
    await management.DeleteAsync($"vhosts/{vhost}");
    try
    {
        await DeleteRedisKeysAsync();
    }
    catch (RedisException exception)
    {
        // The figures stand; the leftover dedupe keys expire with their TTL.
        Console.Error.WriteLine($"could not delete the Redis keys under {prefix}: {exception.Message}");
    }
}

foreach (var (rows, perSecond, rss, seconds, cpu) in results)
{
    Console.WriteLine($"{rows,9:N0} rows: {seconds,6:F1} s, {perSecond,9:N0} rows/s, peak RSS {rss,6:F0} MB; CPU µs a row: Submitter {cpu.Submitter:F1}, RabbitMQ {cpu.RabbitMq:F1}, Redis {cpu.Redis:F1}");
}

// The large job's median run by rows/s: one run on a shared 2-core machine moves by a tenth either way.
var largeRuns = results.Where(r => r.Rows == large).OrderBy(r => r.RowsPerSecond).ToArray();
var best = largeRuns[largeRuns.Length / 2];
var figures = new Dictionary<string, double>
{
    ["csv_rows_per_s"] = Math.Round(best.RowsPerSecond),
    ["peak_rss_mb"] = Math.Round(best.PeakRssMb),
    ["rows"] = best.Rows,
    ["submitter_cpu_us_per_row"] = Math.Round(best.Cpu.Submitter, 1),
    ["rabbitmq_cpu_us_per_row"] = Math.Round(best.Cpu.RabbitMq, 1),
    ["redis_cpu_us_per_row"] = Math.Round(best.Cpu.Redis, 1),
    ["submitter_rows_per_cpu_s"] = Math.Round(1e6 / best.Cpu.Submitter),
    ["csv_rows_per_s_min"] = Math.Round(largeRuns[0].RowsPerSecond),
    ["csv_rows_per_s_max"] = Math.Round(largeRuns[^1].RowsPerSecond),
    ["runs"] = largeRuns.Length,
    ["warm_up_rows"] = WarmUpRows,
    ["cores"] = Environment.ProcessorCount,
};
if (results[0].Rows == Small)
{
    figures["peak_rss_mb_100k"] = Math.Round(results[0].PeakRssMb);
    Console.WriteLine($"peak RSS {best.Rows:N0} rows ÷ {Small:N0} rows: {best.PeakRssMb / results[0].PeakRssMb:F2}");
}

Directory.CreateDirectory(Path.Combine(root, "bench", "results"));
var json = JsonSerializer.Serialize(new { benchmark = "submitter", figures }, new JsonSerializerOptions { WriteIndented = true });
await File.WriteAllTextAsync(Path.Combine(root, "bench", "results", "submitter.json"), json + "\n");
Console.WriteLine(json);
return 0;

async Task<(int, double, double, double, CpuPerRow)> RunAsync(string csv, int rows)
{
    var dll = Path.Combine(root, "src", "Submitter", "bin", BuildConfiguration(), "net10.0", "ClayBus.Submitter.dll");
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
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["MASSTRANSIT_USAGE_TELEMETRY"] = "false",
            ["RabbitMq__Host"] = rabbitHost,
            ["RabbitMq__VirtualHost"] = vhost,
            ["RabbitMq__Username"] = rabbitUser,
            ["RabbitMq__Password"] = rabbitPassword,
            ["Redis__Endpoints"] = redisEndpoints,
            ["Redis__KeyPrefix"] = prefix,
            ["Admission__Policy"] = "split",
            ["ClayBus__Logging__MinimumLevel"] = "Warning",
            ["Security__ApiKeys__bench__Hash"] = apiKeyHash,
            ["Security__ApiKeys__bench__Roles__0"] = "submit",
            ["Security__ApiKeys__bench__PermitsPerMinute"] = "100000",
        },
    };
    using var submitter = Process.Start(start) ?? throw new InvalidOperationException("could not start the Submitter");
    submitter.OutputDataReceived += (_, _) => { };
    submitter.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("submitter: " + e.Data); };
    submitter.BeginOutputReadLine();
    submitter.BeginErrorReadLine();
    try
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        await WaitReadyAsync(http);

        // JIT, connection pools and Redis scripts warm up on a small job, so the figure is ingest and not start-up.
        var warmUp = Path.Combine(Path.GetTempPath(), $"claybus-bench-warm-up-{Guid.NewGuid():N}.csv");
        GenerateCsv(warmUp, WarmUpRows);
        await PostCsvAsync(http, warmUp);
        File.Delete(warmUp);

        var cpuBefore = CpuSeconds.Of(submitter.Id);
        var clock = Stopwatch.StartNew();
        var body = await PostCsvAsync(http, csv);
        clock.Stop();
        var cpu = CpuSeconds.Of(submitter.Id).PerRowSince(cpuBefore, rows);

        using var report = JsonDocument.Parse(body);
        var accepted = report.RootElement.GetProperty("rowsAccepted").GetInt32();
        var batches = report.RootElement.GetProperty("batchesPublished").GetInt32();
        if (accepted != rows)
        {
            throw new InvalidOperationException($"the Submitter accepted {accepted:N0} of {rows:N0} rows: the figures would not be ingest");
        }

        var rss = PeakRssMb(submitter.Id);
        Console.WriteLine($"{rows:N0} rows read, {accepted:N0} accepted into {batches:N0} confirmed batches in {clock.Elapsed.TotalSeconds:F1} s");
        return (rows, rows / clock.Elapsed.TotalSeconds, rss, clock.Elapsed.TotalSeconds, cpu);
    }
    finally
    {
        submitter.Kill(entireProcessTree: true);
        await submitter.WaitForExitAsync();
    }
}

static async Task<string> PostCsvAsync(HttpClient http, string csv)
{
    await using var file = File.OpenRead(csv);
    using var content = new StreamContent(file, 64 * 1024);
    content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
    using var response = await http.PostAsync(new Uri("/jobs/csv?table=auto&priority=low", UriKind.Relative), content);
    var body = await response.Content.ReadAsStringAsync();
    if ((int)response.StatusCode != 202)
    {
        throw new InvalidOperationException($"the Submitter answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 2000)]}");
    }

    return body;
}

async Task DeleteRedisKeysAsync()
{
    await using var redis = await ConnectionMultiplexer.ConnectAsync(redisEndpoints + ",allowAdmin=true,syncTimeout=30000,asyncTimeout=30000");
    var database = redis.GetDatabase();
    foreach (var endpoint in redis.GetEndPoints())
    {
        var keys = new List<RedisKey>();
        await foreach (var key in redis.GetServer(endpoint).KeysAsync(pattern: prefix + "*", pageSize: 1_000))
        {
            keys.Add(key);
            if (keys.Count == 1_000)
            {
                await database.KeyDeleteAsync([.. keys]);
                keys.Clear();
            }
        }

        if (keys.Count > 0)
        {
            await database.KeyDeleteAsync([.. keys]);
        }
    }
}

static void GenerateCsv(string path, int rows)
{
    string[] industries = ["Software", "Banking", "Retail", "SaaS", "Insurance", "Healthcare"];
    string[] sources = ["web-form", "event", "crm-export", "partner-list"];
    var run = Guid.NewGuid().ToString("N")[..8];
    using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
    writer.Write("email,first_name,last_name,company,domain,title,industry,source,country,employees\n");
    for (var index = 1; index <= rows; index++)
    {
        writer.Write(string.Create(CultureInfo.InvariantCulture,
            $"first{index}.last{index}.{run}@company{index % 50_000}.com,First{index},Last{index},\"Company {index % 50_000}, Inc\",https://www.company{index % 50_000}.com/,CTO,{industries[index % industries.Length]},{sources[index % sources.Length]},US,{index % 10_000}\n"));
    }
}

static async Task WaitReadyAsync(HttpClient http)
{
    var deadline = Stopwatch.StartNew();
    while (deadline.Elapsed < TimeSpan.FromSeconds(60))
    {
        try
        {
            using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            if (ready.IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(200);
    }

    throw new TimeoutException("the Submitter did not become ready in 60 s");
}

static double PeakRssMb(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
}

static int? RowsWanted(string[] args) => NumberAfter(args, "--rows");

static int? RepeatWanted(string[] args) => NumberAfter(args, "--repeat");

static int? NumberAfter(string[] args, string option)
{
    var index = Array.IndexOf(args, option);
    if (index < 0)
    {
        return null;
    }

    return index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : -1;
}

static StringContent JsonContent(string json) => new(json, Encoding.UTF8, "application/json");

static int FreePort()
{
    using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
    listener.Start();
    return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
}

static string BuildConfiguration() =>
    AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "ClayBus.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("ClayBus.sln not found");
}
