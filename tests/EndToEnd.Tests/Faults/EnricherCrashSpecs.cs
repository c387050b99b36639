using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

[Trait("Category", "Integration")]
public sealed class EnricherCrashSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    // The bound of docs/enricher.md: per crash, the rows of the batches in flight (concurrent messages × rows a batch).
    private const int RowsInFlightPerCrash = 4 * 50;

    // Rows a killed Enricher held wait out their sending lease before another takes them: 20 s still outlasts one
    // attempt (10 s) and its backoff (5 s), as the default 60 s does, and the run no longer ends on a minute's wait.
    private static readonly Dictionary<string, string?> ShortLease = new() { ["Delivery__SendingLeaseSeconds"] = "20" };

    [Fact]
    public async Task Should_lose_nothing_and_duplicate_at_most_the_rows_in_flight_when_an_enricher_is_killed_three_times()
    {
        var unique = PipelineSettings.Rows(quick: 2_400, full: 20_000);
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(ShortLease));
        var leads = LeadFile.Create(unique, batch: "enricher-crash", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        try
        {
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            for (var crash = 1; crash <= 3; crash++)
            {
                var reached = unique * crash / 4;
                await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= reached, TimeSpan.FromMinutes(4), $"{reached} rows at Clay before crash {crash}");
                pipeline.KillEnricher(0);
                await pipeline.StartEnricherAsync();
            }

            await Measure.WaitForClayAsync(pipeline, unique, TimeSpan.FromMinutes(5));
            var job = await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(3), "completed", "completedWithFailures");
            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "enricher_kill_x3", unique, 3 * RowsInFlightPerCrash));
            Assert.Equal(unique, job.GetProperty("rowsEnriched").GetInt32() + job.GetProperty("rowsFailed").GetInt32());
            Assert.Equal(0, job.GetProperty("rowsDeadLettered").GetInt32());
        }
        finally
        {
            await pipeline.SaveOutputAsync("enricher-crash");
        }
    }
}
