using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>Clay answering 5xx or 429 for a while: batches wait it out, none is dead-lettered, all arrive after.</summary>
[Trait("Category", "Integration")]
public sealed class ClayOutageSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_dead_letter_nothing_during_a_storm_of_server_errors_and_deliver_everything_after_it()
    {
        var stormSeconds = PipelineSettings.Full ? 60 : 15;
        await RunThroughAsync("clay_5xx_storm", new { serverErrorRate = 1.0, forSeconds = stormSeconds }, stormSeconds);
    }

    [Fact]
    public async Task Should_wait_out_a_429_storm_and_deliver_everything_after_it()
    {
        await RunThroughAsync("clay_429_storm", new { force429 = true, force429RetryAfterSeconds = 2, forSeconds = 15 }, 15);
    }

    private async Task RunThroughAsync(string scenario, object faults, int stormSeconds)
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings());
        var leads = LeadFile.Create(PipelineSettings.Rows(quick: 1_500, full: 3_000), batch: scenario.Replace('_', '-'), duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        try
        {
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= leads.ExpectedAccepted / 6, TimeSpan.FromMinutes(2), "delivery under way");
            await pipeline.PutClaySimAsync("_sim/faults", faults);
            var duringStorm = await pipeline.DistinctAtClayAsync();

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromSeconds(stormSeconds + 180));
            var job = await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(3), "completed", "completedWithFailures");
            var figures = await Measure.FiguresAsync(pipeline, scenario, leads.ExpectedAccepted, duplicatesBound: 0);
            var counters = (await pipeline.CountersAsync()).GetProperty("totals");

            FaultLedger.RecordAndAssert(figures);
            Assert.True(duringStorm < leads.ExpectedAccepted, "the storm began after every row was delivered: it proved nothing");
            Assert.True(counters.GetProperty("responsesInjected5xx").GetInt64() + counters.GetProperty("responses429").GetInt64() > 0, "Clay refused nothing");
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
            Assert.Equal(0, job.GetProperty("rowsDeadLettered").GetInt32());
        }
        finally
        {
            await pipeline.SaveOutputAsync(scenario);
        }
    }
}
