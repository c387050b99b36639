// EnricherBench: the Enricher as separate processes against ClaySim (its own process) on the real RabbitMQ and Redis.
//   rate_use_1 / rate_use_3   records/s ClaySim accepted ÷ the configured limit, 1 and 3 Enricher processes sharing
//                             the limit, counted from ClaySim's counters over a window after a warm-up (goal ≥ 0.99)
//   fraction_429              429 answers ÷ requests over both rate runs (goal ≤ 0.001)
//   rss_mb_backlog_10k / _1m  the Enricher's peak RSS while it works through a queued backlog of 10k / 1M rows
//                             (as 50-row DeliverBatch messages); goal ratio ≤ 1.2
//   unlimited_rows_per_s      ClaySim's limits off, the limiter set very high: rows/s one Enricher delivers
//   raw_rabbitmq_msgs_per_s   plain RabbitMQ.Client publish + consume of messages as large as those batches
//   machine_load_rate_1 / _3  the machine's state during each rate window, since 429s come from requests bunched by a
//   timer_late_p99_ms_rate_1 / _3  busy machine: the 1-minute load average at the window's end, and the 99th percentile
//                             of how late a 10 ms timer in this process fires (what the limiter's sleepers face)
// Writes bench/results/enricher.json.
//   dotnet run -c Release --project bench/EnricherBench [-- --quick] [--limit 200] [--window 60] [--rate-only]
// --rate-only: the two rate runs only, printed and not written (for working on the limiter).
// --quick (or CLAYBUS_BENCH_QUICK=1): 10 s windows and a 100k-row large backlog, for a smoke run.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ClayBus.EnricherBench;
using ClayBus.Testing;

var quick = args.Contains("--quick") || Environment.GetEnvironmentVariable("CLAYBUS_BENCH_QUICK") == "1";
var limit = Arg("--limit", 200);
var window = TimeSpan.FromSeconds(Arg("--window", quick ? 10 : 60));
var warmUp = TimeSpan.FromSeconds(quick ? 3 : 10);
var rssSample = TimeSpan.FromSeconds(quick ? 6 : 20);
var largeBacklogRows = quick ? 100_000 : 1_000_000;
var unlimitedBatches = quick ? 200 : 1_000;
var rawMessages = quick ? 2_000 : 10_000;
const int Burst = 20;
var total = Stopwatch.StartNew();

var infrastructure = new BenchInfrastructure();
await infrastructure.InitializeAsync();
using var sim = await ClaySim.StartAsync(limit, Burst);
var backlog = await Backlog.StartAsync(infrastructure.Rabbit);
var figures = new Dictionary<string, double>();
try
{
    var one = await RateRunAsync(1);
    var three = await RateRunAsync(3);
    figures["rate_use_1"] = Math.Round(one.Use, 4);
    figures["rate_use_3"] = Math.Round(three.Use, 4);
    figures["fraction_429"] = Math.Round((double)(one.Responses429 + three.Responses429) / Math.Max(1, one.Requests + three.Requests), 5);
    figures["machine_load_rate_1"] = Math.Round(one.Machine.Load, 1);
    figures["machine_load_rate_3"] = Math.Round(three.Machine.Load, 1);
    figures["timer_late_p99_ms_rate_1"] = Math.Round(one.Machine.TimerLateP99Ms, 1);
    figures["timer_late_p99_ms_rate_3"] = Math.Round(three.Machine.TimerLateP99Ms, 1);
    if (args.Contains("--rate-only"))
    {
        foreach (var (name, value) in figures)
        {
            Console.WriteLine($"{name}: {value.ToString(CultureInfo.InvariantCulture)}");
        }

        return 0;
    }

    var (small, messageBytes) = await BacklogRssAsync(10_000);
    var (large, _) = await BacklogRssAsync(largeBacklogRows);
    figures["rss_mb_backlog_10k"] = Math.Round(small, 1);
    figures["rss_mb_backlog_1m"] = Math.Round(large, 1);
    Console.WriteLine($"RSS with {largeBacklogRows:N0} rows queued ÷ with 10,000: {large / small:F2}");

    figures["unlimited_rows_per_s"] = Math.Round(await UnlimitedAsync());
    var raw = await RawRabbitThroughput.MessagesPerSecondAsync(infrastructure.Rabbit.Name, rawMessages, (int)messageBytes);
    figures["raw_rabbitmq_msgs_per_s"] = Math.Round(raw);
    Console.WriteLine($"raw RabbitMQ.Client: {raw:N0} msgs/s of {messageBytes:N0} bytes; the Enricher unlimited: {figures["unlimited_rows_per_s"] / Backlog.RowsPerBatch:N0} batches/s");
}
finally
{
    await backlog.DisposeAsync();
    await infrastructure.DisposeAsync();
}

foreach (var (name, value) in figures)
{
    Console.WriteLine($"{name}: {value.ToString(CultureInfo.InvariantCulture)}");
}

var output = Path.Combine(ServiceProcess.RepositoryRoot, "bench", "results", "enricher.json");
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new { benchmark = "enricher", figures }, new JsonSerializerOptions { WriteIndented = true }) + "\n");
Console.WriteLine($"wrote {output} in {total.Elapsed.TotalSeconds:F0} s{(quick ? " (quick run: not the figures to publish)" : "")}");
return 0;

// N Enrichers share one limit against a backlog larger than the run can drain; the window opens after the warm-up.
async Task<RateRun> RateRunAsync(int processes)
{
    var rows = limit * (warmUp + window + TimeSpan.FromSeconds(30)).TotalSeconds;
    await backlog.PublishAsync((int)Math.Ceiling(rows / Backlog.RowsPerBatch));
    var before = await sim.TotalsAsync();
    var enrichers = new List<ChildProcess>();
    try
    {
        for (var i = 0; i < processes; i++)
        {
            enrichers.Add(StartEnricher($"enricher-{processes}-{i + 1}", new()
            {
                ["RateLimit__RecordsPerSecond"] = limit.ToString(CultureInfo.InvariantCulture),
                ["RateLimit__Workspace"] = $"bench-rate-{processes}",
            }));
        }

        await Task.WhenAll(enrichers.Select(e => e.WaitReadyAsync()));
        await Eventually.Until(async () => (await sim.TotalsAsync()).RecordsAccepted > before.RecordsAccepted, TimeSpan.FromSeconds(60), "the first records at ClaySim");
        await Task.Delay(warmUp);
        var (start, startedAt) = await TimedTotalsAsync();
        var machine = await MachineState.DuringAsync(window);
        var (end, endedAt) = await TimedTotalsAsync();
        var perSecond = (end.RecordsAccepted - start.RecordsAccepted) / (endedAt - startedAt).TotalSeconds;
        var requests = end.Requests - before.Requests;
        var responses429 = end.Responses429 - before.Responses429;
        Console.WriteLine($"{processes} Enricher(s) at {limit} records/s: {perSecond:F1} records/s over {(endedAt - startedAt).TotalSeconds:F1} s, {responses429} × 429 in {requests} requests; {machine}");
        return new RateRun(perSecond / limit, requests, responses429, machine);
    }
    finally
    {
        StopAll(enrichers);
        await backlog.PurgeAsync();
    }
}

// The backlog is queued before the Enricher starts; it runs at the rate limit, so the backlog stays while RSS is read.
async Task<(double PeakMb, double MessageBytes)> BacklogRssAsync(int rows)
{
    var batches = rows / Backlog.RowsPerBatch;
    var publishing = Stopwatch.StartNew();
    await backlog.PublishAsync(batches);
    await backlog.WaitForDepthAsync(batches);
    var (messages, averageBytes) = await backlog.DepthAsync();
    Console.WriteLine($"{rows:N0} rows queued as {messages:N0} batches of {averageBytes:N0} bytes in {publishing.Elapsed.TotalSeconds:F1} s");
    var enricher = StartEnricher($"enricher-backlog-{rows}", new()
    {
        ["RateLimit__RecordsPerSecond"] = limit.ToString(CultureInfo.InvariantCulture),
        ["RateLimit__Workspace"] = $"bench-backlog-{rows}",
    });
    try
    {
        await enricher.WaitReadyAsync();
        var peak = 0.0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < rssSample)
        {
            peak = Math.Max(peak, enricher.ResidentMegabytes().Peak);
            await Task.Delay(250);
        }

        Console.WriteLine($"Enricher with {rows:N0} rows queued: peak RSS {peak:F1} MB");
        return (peak, averageBytes);
    }
    finally
    {
        StopAll([enricher]);
        await backlog.PurgeAsync();
    }
}

// ClaySim's bucket off, the shared limiter far above what the machine can do: what limits is the Enricher itself.
async Task<double> UnlimitedAsync()
{
    await sim.SetLimitsAsync(enabled: false);
    await backlog.PublishAsync(unlimitedBatches);
    await backlog.WaitForDepthAsync(unlimitedBatches);
    var rows = unlimitedBatches * Backlog.RowsPerBatch;
    var before = await sim.TotalsAsync();
    var enricher = StartEnricher("enricher-unlimited", new()
    {
        ["RateLimit__RecordsPerSecond"] = "100000",
        ["RateLimit__Burst"] = "100000",
        ["RateLimit__Workspace"] = "bench-unlimited",
        ["Delivery__ConcurrentMessageLimit"] = "16",
        ["Delivery__PrefetchCount"] = "16",
    });
    try
    {
        await enricher.WaitReadyAsync();
        var (first, firstAt) = await Eventually.Value(TimedTotalsAsync, t => t.Totals.RecordsAccepted > before.RecordsAccepted, TimeSpan.FromSeconds(60), "the first records at ClaySim");
        var (last, lastAt) = await Eventually.Value(TimedTotalsAsync, t => t.Totals.RecordsAccepted >= before.RecordsAccepted + rows, TimeSpan.FromMinutes(10), $"all {rows:N0} rows at ClaySim");
        var perSecond = (last.RecordsAccepted - first.RecordsAccepted) / (lastAt - firstAt).TotalSeconds;
        Console.WriteLine($"unlimited: {rows:N0} rows through one Enricher at {perSecond:N0} rows/s ({last.RecordsAccepted - before.RecordsAccepted - rows} records beyond the backlog)");
        return perSecond;
    }
    finally
    {
        StopAll([enricher]);
        await backlog.PurgeAsync();
        await sim.SetLimitsAsync(enabled: true);
    }
}

ChildProcess StartEnricher(string name, Dictionary<string, string?> specific)
{
    var environment = new Dictionary<string, string?>(infrastructure.Environment)
    {
        ["ClayBus__Logging__MinimumLevel"] = "Warning",
        ["RateLimit__Burst"] = Burst.ToString(CultureInfo.InvariantCulture),
        // Back to the full rate within seconds after a 429 (the default, 1 record/s per second, takes minutes).
        ["RateLimit__IncreasePerSecond"] = "20",
        ["Budget__DailyLimit"] = "1000000000",
    };
    foreach (var (key, value) in sim.WebhookSettings.Concat(specific))
    {
        environment[key] = value;
    }

    return ChildProcess.Start("src/Enricher", name, environment);
}

async Task<(SimTotals Totals, DateTimeOffset At)> TimedTotalsAsync()
{
    var asked = DateTimeOffset.UtcNow;
    var totals = await sim.TotalsAsync();
    // The counters were read somewhere in the round trip: take its middle.
    return (totals, asked + ((DateTimeOffset.UtcNow - asked) / 2));
}

static void StopAll(IEnumerable<ChildProcess> processes)
{
    foreach (var process in processes)
    {
        process.Dispose();
    }
}

int Arg(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    if (index < 0)
    {
        return fallback;
    }

    return index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
        ? value
        : throw new ArgumentException($"{name} needs a positive whole number, e.g. {name} {fallback}");
}

internal sealed record RateRun(double Use, long Requests, long Responses429, MachineState Machine);

internal sealed class BenchInfrastructure : InfrastructureFixture
{
    protected override string Purpose => "bench-enricher";
}
