// MonitorBench: Clay calls back at a steady rate for the rows of one job; the Monitor (N in-process instances on the
// real RabbitMQ and Redis) must keep the job saga current without its instances fighting over it.
// Figures: callbacks accepted per second, saga version conflicts (each one a retried message), and the p99 lag from
// a callback's 2xx to the saga counting it. Writes bench/results/monitor.json.
//   dotnet run -c Release --project bench/MonitorBench [-- --rate 100 --seconds 30 --instances 2]
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Monitor.Persistence;
using ClayBus.Testing;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using JobState = ClayBus.Monitor.Jobs.JobState;

namespace ClayBus.MonitorBench;

// Not top-level statements: those would declare a second Program next to the Monitor's, which the factory needs.
internal static class MonitorBenchmark
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> Main(string[] args)
    {
        var quick = Environment.GetEnvironmentVariable("CLAYBUS_BENCH_QUICK") == "1";
        var rate = Arg(args, "--rate", 100);
        var seconds = Arg(args, "--seconds", quick ? 10 : 30);
        var instances = Arg(args, "--instances", 2);
        const string Secret = "bench-only-callback-secret";
        const string Table = "people";

        // A console app gets no content-root attribute from Mvc.Testing (test projects do): point the factory at src/Monitor.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_CLAYBUS_MONITOR", Path.Combine(RepositoryRoot(), "src", "Monitor"));
        var infrastructure = new InfrastructureFixture();
        await infrastructure.InitializeAsync();
        var hosts = new List<WebApplicationFactory<Program>>();
        try
        {
            long conflicts = 0;
            using var listener = new MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "ClayBus.Monitor" && instrument.Name == RedisSagaStore<JobState>.ConflictsInstrument)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref conflicts, value));
            listener.Start();

            for (var i = 0; i < instances; i++)
            {
                hosts.Add(new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
                {
                    host.UseEnvironment("Development");
                    foreach (var (key, value) in infrastructure.Settings)
                    {
                        host.UseSetting(key, value);
                    }

                    host.UseSetting("Callbacks:Secrets:0", Secret);
                    // Conflicts are counted by the meter; their retry warnings would drown the figures.
                    host.UseSetting("ClayBus:Logging:MinimumLevel", "Error");
                }));
            }

            var clients = hosts.Select(host => host.CreateClient()).ToList();
            var jobs = hosts[0].Services.GetRequiredService<ILoadSagaRepository<JobState>>();
            var bus = hosts[0].Services.GetRequiredService<IBus>();

            var rows = rate * seconds;
            var jobId = NewId.NextGuid();
            var rowIds = Enumerable.Range(0, rows).Select(i => $"bench-{jobId:N}-{i}").ToArray();
            var batches = rowIds.Chunk(50).ToList();
            await Task.WhenAll(batches.Select(batch => bus.Publish(new BatchDelivered(jobId, NewId.NextGuid(), Table, batch, [], "…bench1", 0, null, batch.Length * 2m, DateTimeOffset.UtcNow))));
            await bus.Publish(new JobSubmitted(jobId, DateTimeOffset.UtcNow, JobPriority.Normal, AdmissionDecision.Admitted, rows, 0,
                [new TableSubmission(Table, rows, 0, 0, 0, batches.Count, rows * 2m)], []));
            await Eventually.Until(async () => (await jobs.Load(jobId))?.RowsDelivered == rows, TimeSpan.FromSeconds(120), "every batch delivered");
            Console.WriteLine($"job {jobId}: {rows} rows delivered; calling back at {rate}/s for {seconds} s through {instances} Monitor instance(s)");

            var clock = Stopwatch.StartNew();
            var acceptedAt = new ConcurrentQueue<double>();
            var lags = new List<double>();
            var failures = 0;
            using var stop = new CancellationTokenSource();
            var observer = Task.Run(async () =>
            {
                var counted = 0;
                while (!stop.IsCancellationRequested)
                {
                    var job = await jobs.Load(jobId);
                    var now = clock.Elapsed.TotalMilliseconds;
                    var reflected = job is null ? 0 : job.RowsEnriched + job.RowsFailed;
                    while (counted < reflected && acceptedAt.TryDequeue(out var at))
                    {
                        lags.Add(now - at);
                        counted++;
                    }

                    if (counted >= rows)
                    {
                        return;
                    }

                    await Task.Delay(10);
                }
            });

            var sends = new List<Task>(rows);
            for (var i = 0; i < rows; i++)
            {
                var due = TimeSpan.FromMilliseconds(i * 1000.0 / rate);
                if (due - clock.Elapsed is { TotalMilliseconds: > 1 } wait)
                {
                    await Task.Delay(wait);
                }

                var row = i;
                sends.Add(Task.Run(async () =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/clay/callbacks/{Table}", UriKind.Relative))
                    {
                        Content = JsonContent.Create(new Dictionary<string, object?>
                        {
                            ["claybus_row_id"] = rowIds[row],
                            ["claybus_job_id"] = jobId.ToString(),
                            ["status"] = row % 10 == 0 ? "no_data" : "enriched",
                            ["successful_provider"] = row % 10 == 0 ? null : "apollo",
                            ["providers"] = new[] { new Dictionary<string, object> { ["provider"] = "apollo", ["result"] = row % 10 == 0 ? "no_data" : "hit", ["data_credits"] = row % 10 == 0 ? 0 : 2 } },
                            ["credits"] = new Dictionary<string, object> { ["data_credits"] = row % 10 == 0 ? 0 : 2, ["actions"] = 2 },
                        }),
                    };
                    request.Headers.Add("x-claybus-callback-secret", Secret);
                    using var response = await clients[row % clients.Count].SendAsync(request);
                    if (response.IsSuccessStatusCode)
                    {
                        acceptedAt.Enqueue(clock.Elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }));
            }

            await Task.WhenAll(sends);
            var sendSeconds = clock.Elapsed.TotalSeconds;
            var finished = await Eventually.Value(async () => await jobs.Load(jobId), job => job?.CurrentState is "Completed" or "CompletedWithFailures", TimeSpan.FromSeconds(120), "the job to complete");
            await stop.CancelAsync();
            await observer;

            lags.Sort();
            var p99 = lags.Count == 0 ? double.NaN : lags[Math.Min(lags.Count - 1, (int)Math.Ceiling(lags.Count * 0.99) - 1)];
            var figures = new Dictionary<string, object>
            {
                ["callbacks_per_s"] = Math.Round(rows / sendSeconds, 1),
                ["saga_conflict_retries"] = Interlocked.Read(ref conflicts),
                ["p99_progress_lag_ms"] = Math.Round(p99, 0),
            };
            Console.WriteLine($"final state {finished!.CurrentState}, enriched {finished.RowsEnriched}, failed {finished.RowsFailed}, saga version {finished.Version}, rejected callbacks {failures}");
            foreach (var (name, value) in figures)
            {
                Console.WriteLine($"{name}: {value}");
            }

            var output = Path.Combine(RepositoryRoot(), "bench", "results", "monitor.json");
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new { benchmark = "monitor", figures }, Indented) + "\n");
            Console.WriteLine($"wrote {output}");
            return failures == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }

            await infrastructure.DisposeAsync();
        }
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
    }

    private static string RepositoryRoot()
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
}
