using System.Diagnostics;
using System.Net.Http.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>
/// The production topology (<c>scripts/cluster.sh</c>: three RabbitMQ nodes, Redis with two replicas and three
/// Sentinels) losing a node to kill -9 under a 5,000-row job with two Enrichers: the node that holds deliver-batch,
/// the Redis primary, and both. Nothing is lost, duplicates stay within the rows in flight, Clay's charges within the
/// limit, and the time from the kill to deliveries resuming is recorded as <c>recovery_s</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ClusterFailoverSpecs(ClusterFixture cluster) : IClassFixture<ClusterFixture>
{
    private const int Rows = 5_000;
    private const decimal DailyLimit = 1_000_000;
    private const long ActionsDailyLimit = 1_000_000;

    // The stated duplicate bound: the batches two Enrichers hold when a connection or the ledger drops may be sent
    // again, concurrent messages × rows a request, per Enricher.
    private const int RowsInFlightPerEnricher = 4 * 50;

    // Deliveries count as resumed once Clay took this many records past what it held at the kill (more than a
    // request's worth, so records already on the wire at the kill do not count).
    private const int ResumedAfterRecords = 100;

    // Clay's rate twice the other suites', so 5,000 rows take about 15 s; the fault is the node, not the rate. Its
    // enrichment stays at the suites' speed: at 4× (SpeedFactor 200) callbacks outran the Monitor's BatchDelivered,
    // 4,789 of 5,000 were parked, and after the broker kill the job stayed enriching.
    //
    // Callbacks refused while Redis fails over come again, and a service whose consumers a node loss left behind is
    // replaced in seconds (RecoverySettings; with 3 quick retries 4 callbacks of 5,000 were given up in one run).
    private static readonly PipelineSettings Fast = new()
    {
        RecordsPerSecond = 400,
        Burst = 100,
        DailyCreditLimit = DailyLimit,
        Extra = new Dictionary<string, string?>(RecoverySettings.QuickRecovery)
        {
            ["Budget__Actions__DailyLimit"] = ActionsDailyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        },
        ClaySimExtra = RecoverySettings.PatientClay,
    };

    [ClusterFact]
    public Task Should_lose_nothing_when_the_rabbitmq_node_holding_deliver_batch_is_killed() =>
        RunAsync("rabbit_node_kill", KillDeliverBatchNodeAsync);

    [ClusterFact]
    public Task Should_lose_nothing_and_overspend_nothing_when_the_redis_primary_is_killed() =>
        RunAsync("redis_failover", KillRedisPrimaryAsync);

    [ClusterFact]
    public Task Should_lose_nothing_when_a_rabbitmq_node_and_the_redis_primary_die_together() =>
        RunAsync("both_failover", async () =>
        {
            var restartRabbit = await KillDeliverBatchNodeAsync();
            var restartRedis = await KillRedisPrimaryAsync();
            return async () =>
            {
                await restartRabbit();
                await restartRedis();
            };
        });

    /// <param name="kill">Kills a node and returns how to bring it back.</param>
    private async Task RunAsync(string scenario, Func<Task<Func<Task>>> kill)
    {
        var total = Stopwatch.StartNew();
        await using var pipeline = await Pipeline.StartAsync(cluster, Fast);
        var leads = LeadFile.Create(Rows, batch: scenario.Replace('_', '-'), duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        var restore = () => Task.CompletedTask;
        try
        {
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= 1_000, TimeSpan.FromMinutes(1), "delivery under way");

            var atKill = await pipeline.DistinctAtClayAsync();
            var clock = Stopwatch.StartNew();
            restore = await kill();
            await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= Math.Min(atKill + ResumedAfterRecords, leads.ExpectedAccepted), TimeSpan.FromMinutes(1), "deliveries resuming after the kill");
            var recovery = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"{scenario}: deliveries resumed {recovery:F1} s after the kill ({ResumedAfterRecords} records past the {atKill} Clay held)");

            // The node boots (up to a minute on a loaded machine) while the job finishes; the next scenario needs it back.
            var restoring = restore();
            restore = () => restoring;

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(2));
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(2), "completed", "completedWithFailures");
            var totals = (await pipeline.CountersAsync()).GetProperty("totals");
            var figures = await Measure.FiguresAsync(pipeline, scenario, leads.ExpectedAccepted, pipeline.Enrichers.Count * RowsInFlightPerEnricher, DailyLimit);
            Console.WriteLine($"{scenario}: {figures.RowsLost} rows lost, {figures.DuplicatesAtClay} duplicates (bound {figures.DuplicatesBound}), {total.Elapsed.TotalSeconds:F0} s in all");
            FaultLedger.RecordAndAssert(figures with
            {
                RecoveryS = Math.Round(recovery, 1),
                CreditsOverLimit = Math.Max(0, totals.GetProperty("dataCreditsCharged").GetDecimal() - DailyLimit),
                ActionsOverLimit = Math.Max(0, totals.GetProperty("actionsCharged").GetInt64() - ActionsDailyLimit),
            });
        }
        finally
        {
            await restore();
            await pipeline.SaveOutputAsync(scenario.Replace('_', '-'));
        }
    }

    private async Task<Func<Task>> KillDeliverBatchNodeAsync()
    {
        var queue = await cluster.Rabbit.Management.GetFromJsonAsync<System.Text.Json.JsonElement>($"queues/{cluster.Rabbit.EscapedName}/deliver-batch");
        var node = queue.GetProperty("node").GetString()!;
        var number = node["claybus".Length..node.IndexOf('@', StringComparison.Ordinal)];
        await ClusterScriptAsync("kill-rabbit", number);
        return () => ClusterScriptAsync("restart-rabbit", number);
    }

    private static async Task<Func<Task>> KillRedisPrimaryAsync()
    {
        var port = (await ClusterScriptAsync("kill-redis-primary")).Trim();
        return () => ClusterScriptAsync("restart-redis", port);
    }

    private static async Task<string> ClusterScriptAsync(params string[] arguments)
    {
        var script = Path.Combine(ServiceProcess.RepositoryRoot, "scripts", "cluster.sh");
        using var process = Process.Start(new ProcessStartInfo(script, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"cluster.sh {string.Join(' ', arguments)} failed: {await errors}");
        return await output;
    }
}
