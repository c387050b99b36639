using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>Rows Clay takes and never calls back for: the job is reported stuck, never silently finished or left running.</summary>
[Trait("Category", "Integration")]
public sealed class StuckRowSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_report_the_job_stuck_with_its_outstanding_rows_when_clay_never_calls_back_for_some()
    {
        var monitor = new Dictionary<string, string?> { ["Jobs__StuckAfter"] = "00:00:15" };
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(extra: monitor));
        var leads = LeadFile.Create(1_000, batch: "stuck-rows", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        try
        {
            await pipeline.PutClaySimAsync("_sim/faults", new { stuckRowRate = 0.03 });
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(2));
            var job = await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(3), "stuck");
            var totals = (await pipeline.CountersAsync()).GetProperty("totals");
            var stuck = totals.GetProperty("rowsStuck").GetInt32();
            var stuckJobs = await pipeline.MonitorHttp.GetStringAsync(new Uri("status/jobs?state=stuck", UriKind.Relative));

            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "stuck_rows", leads.ExpectedAccepted, duplicatesBound: 0));
            Assert.InRange(stuck, 1, leads.ExpectedAccepted / 10);
            Assert.Equal(leads.ExpectedAccepted - stuck, job.GetProperty("rowsEnriched").GetInt32() + job.GetProperty("rowsFailed").GetInt32());
            Assert.False(string.IsNullOrWhiteSpace(job.GetProperty("likelyCause").GetString()), "a stuck job must say what probably went wrong");
            Assert.Contains(jobId.ToString(), stuckJobs, StringComparison.Ordinal);
        }
        finally
        {
            await pipeline.SaveOutputAsync("stuck-rows");
        }
    }
}
