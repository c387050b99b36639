using System.Diagnostics;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>
/// The broker and Redis restarted under a running job. These restart the machine's shared servers, so they run in
/// this suite alone (the <see cref="SharedServers"/> collection: after every other suite, nothing beside them; the
/// trait lets scripts/test.sh run them after every other project too).
/// </summary>
[Collection(SharedServers.Name)]
[Trait("Category", "Integration")]
[Trait("Servers", "Restarted")]
public sealed class InfrastructureRestartSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    // Batches in flight when the connections drop may be sent again: concurrent messages × rows a request, per Enricher.
    private const int RowsInFlightPerEnricher = 4 * 50;

    [Fact]
    public async Task Should_lose_nothing_when_rabbitmq_restarts_mid_run()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(RecoverySettings.QuickRecovery, RecoverySettings.PatientClay));
        var leads = LeadFile.Create(PipelineSettings.Rows(quick: 1_500, full: 3_000), batch: "rabbitmq-restart", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        try
        {
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= leads.ExpectedAccepted / 5, TimeSpan.FromMinutes(2), "delivery under way");

            await RunAsync("rabbitmqctl", "-q", "stop_app");
            await Task.Delay(TimeSpan.FromSeconds(3)); // the outage itself: what is being tested is what happens during it
            await RunAsync("rabbitmqctl", "-q", "start_app");

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(4));
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(4), "completed", "completedWithFailures");
            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "rabbitmq_restart", leads.ExpectedAccepted, pipeline.Enrichers.Count * RowsInFlightPerEnricher));
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
        }
        finally
        {
            await pipeline.SaveOutputAsync("rabbitmq-restart");
        }
    }

    [Fact]
    public async Task Should_fail_closed_while_redis_is_down_and_lose_nothing_after_it_restarts()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(RecoverySettings.QuickRecovery, RecoverySettings.PatientClay));
        var leads = LeadFile.Create(PipelineSettings.Rows(quick: 1_500, full: 3_000), batch: "redis-restart", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        try
        {
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= leads.ExpectedAccepted / 5, TimeSpan.FromMinutes(2), "delivery under way");

            await RunAsync("redis-cli", "-p", "6379", "shutdown");
            var atOutage = await pipeline.DistinctAtClayAsync();
            await Eventually.Until(() => EnricherReadiness.AnySaysAsync(pipeline, "LedgerUnavailable"), TimeSpan.FromSeconds(60), "an Enricher to pause for the unreachable ledger");
            var duringOutage = await pipeline.DistinctAtClayAsync() - atOutage;
            await RunAsync(Path.Combine(ServiceProcess.RepositoryRoot, "scripts", "infra.sh"), "up", "redis");

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(4));
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(4), "completed", "completedWithFailures");
            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "redis_restart", leads.ExpectedAccepted, pipeline.Enrichers.Count * RowsInFlightPerEnricher));
            Assert.InRange(duringOutage, 0, pipeline.Enrichers.Count * RowsInFlightPerEnricher);
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
        }
        finally
        {
            await pipeline.SaveOutputAsync("redis-restart");
            await RunAsync(Path.Combine(ServiceProcess.RepositoryRoot, "scripts", "infra.sh"), "up", "redis");
        }
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed: {await process.StandardError.ReadToEndAsync()}");
    }
}
