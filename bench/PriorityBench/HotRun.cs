using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.PriorityBench;

internal sealed record HotFigures(double P50Ms, double P99Ms, double RateUse, double LowShareWhileHot, int Rows);

/// <summary>One Enricher count: the pipeline, a Low backlog being delivered, and one-row High jobs at random moments.</summary>
internal static class HotRun
{
    private const string BacklogTable = "outbound-leads-tech";
    private const int RowsPerBatch = 50;
    private const string Header = "email,first_name,last_name,company,domain,title,industry,source,country\n";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    public static async Task<HotFigures> MeasureAsync(int enrichers, int hotRows, int backlogRows)
    {
        var infrastructure = new BenchInfrastructure();
        await infrastructure.InitializeAsync();
        try
        {
            await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings { RecordsPerSecond = 10, Burst = 20, Enrichers = enrichers });
            var backlogIds = await QueueBacklogAsync(infrastructure.Rabbit.Name, backlogRows);
            await Eventually.Until(async () => await AcceptedAsync(pipeline) >= 100, Deadline, "the backlog under way (100 rows at Clay)", TimeSpan.FromMilliseconds(500));

            var run = Guid.NewGuid().ToString("N")[..8];
            var leads = Enumerable.Range(0, hotRows)
                .Select(i => string.Create(CultureInfo.InvariantCulture, $"hot{i}@hot-{run}-{i}.com,Ana{i},Lopez,Hot {run} {i},hot-{run}-{i}.com,VP Sales,Retail,web-form,US\n"))
                .ToArray();
            var hotIds = await DryRunAsync(pipeline, Header + string.Concat(leads));
            var startCount = await AcceptedAsync(pipeline);
            var startAt = DateTimeOffset.UtcNow;
            var submitted = new DateTimeOffset[hotRows];
            var random = new Random(16 + enrichers);
            for (var i = 0; i < hotRows; i++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.Next(200, 1000)));
                submitted[i] = await SubmitHighAsync(pipeline, Header + leads[i]);
            }

            await Eventually.Until(async () => (await LookupAsync(pipeline, hotIds)).Count == hotRows, Deadline, "every hot row at Clay", TimeSpan.FromMilliseconds(500));
            var endCount = await AcceptedAsync(pipeline);
            var endAt = DateTimeOffset.UtcNow;
            var hot = await LookupAsync(pipeline, hotIds);
            var latencies = hotIds.Select((id, i) => (hot[id] - submitted[i]).TotalMilliseconds).Order().ToArray();

            // Accepted records while some hot row waited (between its 202 and its acceptance): how many were backlog.
            var waits = hotIds.Select((id, i) => (From: submitted[i], To: hot[id])).ToArray();
            var backlogAt = new List<DateTimeOffset>();
            foreach (var chunk in backlogIds.Chunk(10_000))
            {
                backlogAt.AddRange((await LookupAsync(pipeline, chunk)).Values);
            }

            var lowWhileHot = backlogAt.Count(at => waits.Any(w => at > w.From && at <= w.To));
            var hotWhileHot = hot.Values.Count(at => waits.Any(w => at > w.From && at <= w.To));
            var rate = (endCount - startCount) / (endAt - startAt).TotalSeconds / 10;
            var figures = new HotFigures(Percentile(latencies, 0.50), Percentile(latencies, 0.99), rate, (double)lowWhileHot / Math.Max(1, lowWhileHot + hotWhileHot), hotRows);
            Console.WriteLine($"{enrichers} Enricher(s): hot p50 {figures.P50Ms:F0} ms, p99 {figures.P99Ms:F0} ms, max {latencies[^1]:F0} ms over {hotRows} rows; rate use {rate:F4}; backlog share while hot waited {figures.LowShareWhileHot:F3} ({lowWhileHot} of {lowWhileHot + hotWhileHot})");
            return figures;
        }
        finally
        {
            await infrastructure.DisposeAsync();
        }
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>Sends the backlog as the Submitter sends Low batches (to exchange <c>deliver-batch-low</c>); returns its row ids.</summary>
    private static async Task<List<string>> QueueBacklogAsync(string vhost, int rows)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(TestInfrastructure.RabbitHost, (ushort)TestInfrastructure.RabbitPort, vhost, host =>
        {
            host.Username(TestInfrastructure.RabbitUser);
            host.Password(TestInfrastructure.RabbitPassword);
        }));
        await bus.StartAsync();
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri("exchange:deliver-batch-low"));
            var batches = Enumerable.Range(0, rows / RowsPerBatch).Select(_ => Batch()).ToArray();
            await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (batch, cancellationToken) =>
                await endpoint.Send(batch, context => context.SetPriority((byte)JobPriority.Low), cancellationToken));
            return [.. batches.SelectMany(batch => batch.Rows.Select(row => row.RowId))];
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private static DeliverBatch Batch()
    {
        var job = NewId.NextGuid();
        var rows = new BatchRow[RowsPerBatch];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new BatchRow($"{job:N}-{i}", i + 1, new Dictionary<string, JsonElement>
            {
                ["email"] = JsonSerializer.SerializeToElement($"first{i}.last{i}@company{i}.example.com"),
                ["first_name"] = JsonSerializer.SerializeToElement($"First{i}"),
                ["company_domain"] = JsonSerializer.SerializeToElement($"company{i}.example.com"),
                ["industry"] = JsonSerializer.SerializeToElement("Software"),
            });
        }

        return new DeliverBatch(job, NewId.NextGuid(), BacklogTable, JobPriority.Low, rows, RowsPerBatch * 6m, DateTimeOffset.UtcNow);
    }

    private static async Task<string[]> DryRunAsync(Pipeline pipeline, string csv)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await pipeline.SubmitterHttp.PostAsync(new Uri("jobs/csv?dryRun=true", UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. report.GetProperty("routes").EnumerateArray()
            .Where(route => route.GetProperty("outcome").GetString() == "accepted")
            .Select(route => route.GetProperty("rowId").GetString()!)];
    }

    private static async Task<DateTimeOffset> SubmitHighAsync(Pipeline pipeline, string csv)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await pipeline.SubmitterHttp.PostAsync(new Uri("jobs/csv?priority=high", UriKind.Relative), content);
        var at = DateTimeOffset.UtcNow;
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /jobs/csv answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return at;
    }

    private static async Task<long> AcceptedAsync(Pipeline pipeline) =>
        (await pipeline.CountersAsync()).GetProperty("totals").GetProperty("recordsAccepted").GetInt64();

    private static async Task<Dictionary<string, DateTimeOffset>> LookupAsync(Pipeline pipeline, IReadOnlyCollection<string> rowIds)
    {
        using var response = await pipeline.ClaySimHttp.PostAsJsonAsync("_sim/rows/lookup", new { rowIds });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("rows").EnumerateArray().ToDictionary(
            row => row.GetProperty("rowId").GetString()!,
            row => DateTimeOffset.Parse(row.GetProperty("firstAcceptedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
    }
}
