using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

[Trait("Category", "Integration")]
public sealed class MonitorCrashSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_account_for_every_row_and_credit_when_the_monitor_is_killed_mid_run()
    {
        // Clay's retry policy for the HTTP API column is undocumented; this Clay retries a refused callback for about a
        // minute of real time (backoff is on ClaySim's clock, which runs 50x), longer than a Monitor takes to come
        // back. A callback never retried is a stuck row: StuckRowSpecs.
        var claySim = new Dictionary<string, string?> { ["ClaySim__CallbackRetries"] = "12", ["ClaySim__CallbackRetryBackoffMs"] = "60000" };
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(claySim: claySim));
        var leads = LeadFile.Create(PipelineSettings.Rows(quick: 1_500, full: 3_000), batch: "monitor-crash", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        try
        {
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            await Eventually.Until(async () => (await pipeline.CountersAsync()).GetProperty("totals").GetProperty("callbacksSent").GetInt64() >= leads.ExpectedAccepted / 6, TimeSpan.FromMinutes(2), "callbacks under way");
            await pipeline.RestartMonitorAsync();

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(3));
            var job = await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(4), "completed", "completedWithFailures");
            var totals = (await pipeline.CountersAsync()).GetProperty("totals");

            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "monitor_kill", leads.ExpectedAccepted, duplicatesBound: 0));
            Assert.Equal(leads.ExpectedAccepted, job.GetProperty("rowsEnriched").GetInt32() + job.GetProperty("rowsFailed").GetInt32());
            Assert.Equal(totals.GetProperty("dataCreditsCharged").GetDecimal(), job.GetProperty("creditsSpent").GetDecimal());
            Assert.Equal(0, totals.GetProperty("callbacksFailed").GetInt64());
        }
        finally
        {
            await pipeline.SaveOutputAsync("monitor-crash");
        }
    }
}
