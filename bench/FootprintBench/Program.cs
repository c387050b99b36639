using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClayBus.EndToEnd.Tests.Footprint;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.FootprintBench;
using ClayBus.Testing;

// Redis bytes per row, measured as MEMORY USAGE of every key under the run's prefix (INFO memory is shared with
// whatever else uses this Redis). In flight: everything the run holds when the job completes, per accepted row.
// Finished: what is still there once the keys that only cover a row's delivery (TTL up to TransientTtl) are gone.
var rows = int.Parse(Environment.GetEnvironmentVariable("CLAYBUS_FOOTPRINT_ROWS") ?? "50000", CultureInfo.InvariantCulture);
var transientTtl = TimeSpan.FromDays(1) + TimeSpan.FromMinutes(5);

var infrastructure = new ShortPrefixInfrastructure();
await infrastructure.InitializeAsync();
try
{
    var settings = new PipelineSettings { RecordsPerSecond = 20_000, Burst = 2_000, SpeedFactor = 1_000 };
    await using var pipeline = await Pipeline.StartAsync(infrastructure, settings);
    var leads = LeadFile.Create(unique: rows, batch: "footprint");
    // What the services hold before any row: what memory must come back to once every row's retention has passed.
    var baseline = await RedisKeyScan.ScanAsync(infrastructure.Redis.Connection, infrastructure.KeyPrefix);
    var started = DateTimeOffset.UtcNow;
    var report = await pipeline.SubmitCsvAsync(leads.Csv);
    var jobId = report.GetProperty("jobId").GetGuid();
    await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(30), "completed", "completedWithFailures");
    Console.WriteLine($"{leads.ExpectedAccepted:N0} rows through the pipeline in {(DateTimeOffset.UtcNow - started).TotalSeconds:F0} s");

    var keys = await RedisKeyScan.ScanAsync(infrastructure.Redis.Connection, infrastructure.KeyPrefix);
    Print(keys, leads.ExpectedAccepted);
    var inflight = PerRow(keys, leads.ExpectedAccepted, TimeSpan.Zero);

    // The Enricher settles each row's credits from its RowEnriched, a little after the Monitor counted the callback.
    // Waiting ends when every reservation settled, or when none settled for two minutes: those left stay in the
    // figures (they are kept for Budget:ReservationDays) and are named here.
    var unsettled = await Settlement.WaitAsync(
        infrastructure.Redis.Connection, infrastructure.KeyPrefix, transientTtl, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(2));
    foreach (var key in unsettled.Take(5))
    {
        var value = await infrastructure.Redis.Connection.GetDatabase().StringGetAsync(infrastructure.KeyPrefix + key);
        Console.WriteLine($"  not settled: {key} = {value}");
    }

    keys = await RedisKeyScan.ScanAsync(infrastructure.Redis.Connection, infrastructure.KeyPrefix);
    Console.WriteLine("settled:");
    Print(keys, leads.ExpectedAccepted);
    var finished = PerRow(keys, leads.ExpectedAccepted, transientTtl);
    var unbound = RedisKeyScan.WithoutBound(keys);
    foreach (var key in unbound)
    {
        Console.WriteLine($"  no TTL and no owner: {key.Name}");
    }

    // After the retention: every key with a TTL is gone (each per-row key has one), so what stays are the keys
    // without one, each with an owner that bounds it. Compared with the baseline, per row of the run.
    var afterRetention = keys.Where(key => key.Ttl is null).Sum(key => key.Bytes);
    var atBaseline = baseline.Where(key => key.Ttl is null).Sum(key => key.Bytes);
    Console.WriteLine($"after the retention: {afterRetention:N0} B in keys without a TTL, {atBaseline:N0} B before the run");

    await WriteFiguresAsync(new Dictionary<string, double>
    {
        ["redis_bytes_per_finished_row"] = Math.Round(finished),
        ["redis_bytes_per_inflight_row"] = Math.Round(inflight),
        ["redis_keys_without_bound"] = unbound.Count,
        ["redis_reservations_unsettled"] = unsettled.Count,
        ["redis_bytes_after_retention_over_baseline"] = afterRetention - atBaseline,
        ["redis_bytes_after_retention_per_row"] = Math.Round((afterRetention - atBaseline) / (double)leads.ExpectedAccepted, 2),
    });
    return 0;
}
finally
{
    await infrastructure.DisposeAsync();
}

// Per row and per job, not per table or workspace: the keys that grow with rows, and expire longer than minTtl.
static double PerRow(IReadOnlyList<ScannedKey> keys, int rows, TimeSpan minTtl) =>
    keys.Where(key => key.Ttl > minTtl && !key.Name.StartsWith("ratelimit:", StringComparison.Ordinal)).Sum(key => key.Bytes) / (double)rows;

static void Print(IReadOnlyList<ScannedKey> keys, int rows)
{
    foreach (var kind in keys.GroupBy(key => RedisKeyScan.PatternOf(key.Name)).OrderByDescending(kind => kind.Sum(key => key.Bytes)).Take(8))
    {
        Console.WriteLine($"  {kind.Key,-28} {kind.Count(),8:N0} keys {kind.Sum(key => key.Bytes) / (double)rows,8:F1} B/row  ttl {kind.Max(key => key.Ttl)}");
    }
}

// The saga half of issue 17 writes its figures into the same file: read it, set only these, write it back.
static async Task WriteFiguresAsync(Dictionary<string, double> figures)
{
    var path = Path.Combine(ServiceProcess.RepositoryRoot, "bench", "results", "footprint.json");
    var root = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject() : new JsonObject();
    root["benchmark"] = "footprint";
    var existing = root["figures"] as JsonObject ?? [];
    foreach (var (name, value) in figures)
    {
        existing[name] = value;
    }

    root["figures"] = existing.DeepClone();
    await File.WriteAllTextAsync(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    Console.WriteLine(root.ToJsonString());
}
