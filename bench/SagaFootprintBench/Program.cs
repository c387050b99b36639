// SagaFootprintBench: state that stays small (issue 17, the saga and Submitter half).
//   saga_bytes_10k / saga_bytes_1m: Redis MEMORY USAGE of the job saga once every batch of a 10,000-row and of a
//     1,000,000-row job is counted (200 and 20,000 BatchDelivered of 50 rows); saga_marks_bytes_1m: its batch marks.
//   monitor_cpu_us_per_callback_10k / _1m: CPU of this process (the Monitor in-process, and the HTTP client) per Clay
//     callback on each job, counted once the saga reflects them.
//   submitter_rss_mb_json_1m: peak RSS (VmHWM) of the Submitter process while a 1,000,000-row JSON job streams from disk.
// Only the first batches carry rows the callbacks use (through the whole Monitor); the others go straight to the saga's
// endpoint, so the row lineage does not write a million rows into the shared Redis.
// Reads bench/results/footprint.json if it exists, updates only these keys, and writes it back.
//   dotnet run -c Release --project bench/SagaFootprintBench [-- --callbacks 3000]
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using JobState = ClayBus.Monitor.Jobs.JobState;

namespace ClayBus.SagaFootprintBench;

// Not top-level statements: those would declare a second Program next to the Monitor's, which the factory needs.
internal static class SagaFootprintBenchmark
{
    private const string Secret = "bench-only-callback-secret";
    private const string Table = "people";
    private const int RowsPerBatch = 50;

    public static async Task<int> Main(string[] args)
    {
        var quick = Environment.GetEnvironmentVariable("CLAYBUS_BENCH_QUICK") == "1";
        var callbacks = Arg(args, "--callbacks", quick ? 1_000 : 3_000);
        var figures = new Dictionary<string, double>();
        Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CLAYBUS_MONITOR", Path.Combine(Root.Path, "src", "Monitor"));

        var infrastructure = new InfrastructureFixture();
        await infrastructure.InitializeAsync();
        try
        {
            await using var monitor = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
            {
                host.UseEnvironment("Development");
                foreach (var (key, value) in infrastructure.Settings)
                {
                    host.UseSetting(key, value);
                }

                host.UseSetting("Callbacks:Secrets:0", Secret);
                host.UseSetting("Jobs:ProgressInterval", "00:00:00.200");
                host.UseSetting("ClayBus:Logging:MinimumLevel", "Error");
            });
            var http = monitor.CreateClient();
            var sagas = monitor.Services.GetRequiredService<ILoadSagaRepository<JobState>>();
            var bus = monitor.Services.GetRequiredService<IBus>();

            var small = await DeliverAsync(bus, sagas, rows: 10_000, withRows: callbacks + 500);
            var large = await DeliverAsync(bus, sagas, rows: 1_000_000, withRows: callbacks + 500);
            figures["saga_bytes_10k"] = await MemoryUsageAsync(infrastructure, $"saga:job:{small.JobId:N}");
            figures["saga_bytes_1m"] = await MemoryUsageAsync(infrastructure, $"saga:job:{large.JobId:N}");
            figures["saga_marks_bytes_1m"] = await MemoryUsageAsync(infrastructure, $"saga:job:{large.JobId:N}:marks");

            // JIT and connection pools warm up on 500 rows of each job first; then the two jobs take turns, three
            // rounds each, and the median round counts, so a slow moment of the shared machine does not pick a side.
            await CallBackAsync(http, sagas, small, from: 0, count: 500);
            await CallBackAsync(http, sagas, large, from: 0, count: 500);
            var round = callbacks / 3;
            var (smallRounds, largeRounds) = (new List<double>(), new List<double>());
            for (var i = 0; i < 3; i++)
            {
                smallRounds.Add(await CallBackAsync(http, sagas, small, from: 500 + (i * round), count: round));
                largeRounds.Add(await CallBackAsync(http, sagas, large, from: 500 + (i * round), count: round));
            }

            figures["monitor_cpu_us_per_callback_10k"] = smallRounds.Order().ElementAt(1);
            figures["monitor_cpu_us_per_callback_1m"] = largeRounds.Order().ElementAt(1);
        }
        finally
        {
            await infrastructure.DisposeAsync();
        }

        figures["submitter_rss_mb_json_1m"] = await SubmitterRss.JsonJobPeakMbAsync(1_000_000);
        figures["saga_bytes_ratio"] = Math.Round(figures["saga_bytes_1m"] / figures["saga_bytes_10k"], 2);
        figures["monitor_cpu_per_callback_ratio"] = Math.Round(figures["monitor_cpu_us_per_callback_1m"] / figures["monitor_cpu_us_per_callback_10k"], 2);
        foreach (var (name, value) in figures)
        {
            Console.WriteLine($"{name}: {value}");
        }

        await WriteAsync(figures);
        return 0;
    }

    /// <summary>Delivers every batch of a job and waits until the saga counted them all.</summary>
    private static async Task<Job> DeliverAsync(IBus bus, ILoadSagaRepository<JobState> sagas, int rows, int withRows)
    {
        var job = new Job(NewId.NextGuid(), rows);
        var batches = rows / RowsPerBatch;
        var clock = Stopwatch.StartNew();
        await bus.Publish(new JobSubmitted(job.JobId, DateTimeOffset.UtcNow, JobPriority.Normal, AdmissionDecision.Admitted, rows, 0,
            [new TableSubmission(Table, rows, 0, 0, 0, batches, rows * 2m)], []));
        var saga = await bus.GetSendEndpoint(new Uri("exchange:job-state"));
        for (var first = 0; first < batches; first += 500)
        {
            await Task.WhenAll(Enumerable.Range(first, Math.Min(500, batches - first)).Select(batch =>
            {
                var delivered = new BatchDelivered(job.JobId, NewId.NextGuid(), Table, job.Batch(batch), [], "…bench1", 0, null, RowsPerBatch * 2m, DateTimeOffset.UtcNow);
                // Rows the callbacks use go through the whole Monitor (the lineage must know them); the rest to the saga only.
                return batch * RowsPerBatch < withRows ? bus.Publish(delivered) : saga.Send(delivered);
            }));
        }

        await Eventually.Until(async () => (await sagas.Load(job.JobId))?.RowsDelivered == rows, TimeSpan.FromMinutes(30), $"the {rows:N0}-row job delivered");
        Console.WriteLine($"{rows:N0}-row job: {batches:N0} batches counted by the saga in {clock.Elapsed.TotalSeconds:F0} s");
        return job;
    }

    /// <returns>CPU µs of this process per callback, until the saga reflects every one.</returns>
    private static async Task<double> CallBackAsync(HttpClient http, ILoadSagaRepository<JobState> sagas, Job job, int from, int count)
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        using var inFlight = new SemaphoreSlim(16);
        await Task.WhenAll(Enumerable.Range(from, count).Select(async row =>
        {
            await inFlight.WaitAsync();
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/clay/callbacks/{Table}", UriKind.Relative))
                {
                    Content = JsonContent.Create(new Dictionary<string, object?>
                    {
                        ["claybus_row_id"] = job.RowId(row),
                        ["claybus_job_id"] = job.JobId.ToString(),
                        ["status"] = "enriched",
                        ["successful_provider"] = "apollo",
                        ["providers"] = new[] { new Dictionary<string, object> { ["provider"] = "apollo", ["result"] = "hit", ["data_credits"] = 2 } },
                        ["credits"] = new Dictionary<string, object> { ["data_credits"] = 2, ["actions"] = 2 },
                    }),
                };
                request.Headers.Add("x-claybus-callback-secret", Secret);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
            }
            finally
            {
                inFlight.Release();
            }
        }));
        await Eventually.Until(async () => (await sagas.Load(job.JobId))?.RowsEnriched >= from + count, TimeSpan.FromMinutes(5), "the saga to count the callbacks");
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMicroseconds / count;
        Console.WriteLine($"{job.Rows:N0}-row job: {count:N0} callbacks in {clock.Elapsed.TotalSeconds:F1} s, {cpu:F0} µs CPU each");
        return Math.Round(cpu);
    }

    private static async Task<double> MemoryUsageAsync(InfrastructureFixture infrastructure, string key) =>
        (long)await infrastructure.Redis.Database.ExecuteAsync("MEMORY", "USAGE", infrastructure.Redis.Prefix + key, "SAMPLES", "0");

    private static async Task WriteAsync(Dictionary<string, double> figures)
    {
        var path = Path.Combine(Root.Path, "bench", "results", "footprint.json");
        // The footprint engineer's benchmark writes the Redis figures to the same file: keep theirs, replace ours.
        var document = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject() : new JsonObject { ["benchmark"] = "footprint" };
        var existing = document["figures"] as JsonObject ?? [];
        document["figures"] = existing;
        foreach (var (name, value) in figures)
        {
            existing[name] = value;
        }

        await File.WriteAllTextAsync(path, document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"wrote {path}");
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Job(Guid JobId, int Rows)
    {
        public string RowId(int row) => $"bench-{JobId:N}-{row}";

        public string[] Batch(int batch) => [.. Enumerable.Range(batch * RowsPerBatch, RowsPerBatch).Select(RowId)];
    }
}
