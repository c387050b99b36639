using System.Net.Http.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>A job larger than today's budget: what fits goes, the rest is held (never lost), and a new allowance sends it.</summary>
[Trait("Category", "Integration")]
public sealed class BudgetSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const decimal DailyLimit = 2_000;

    [Fact]
    public async Task Should_never_spend_past_the_budget_hold_the_rest_and_send_it_when_the_budget_is_reset()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings { DailyCreditLimit = DailyLimit });
        var leads = LeadFile.Create(1_200, batch: "budget", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        try
        {
            var report = await pipeline.SubmitCsvAsync(leads.Csv);
            var jobId = report.GetProperty("jobId").GetGuid();
            var held = report.GetProperty("rowsHeld").GetInt32();
            var sentToday = leads.ExpectedAccepted - held;
            Assert.True(held > 0, $"a job estimated at {report.GetProperty("estimatedCredits")} credits against {DailyLimit} held nothing back");

            await Measure.WaitForClayAsync(pipeline, sentToday, TimeSpan.FromMinutes(2));
            var charged = (await pipeline.CountersAsync()).GetProperty("totals").GetProperty("dataCreditsCharged").GetDecimal();
            var overToday = Math.Max(0, charged - DailyLimit);
            Assert.Equal(sentToday, await pipeline.DistinctAtClayAsync());

            // The operator's new allowance is the reset: BudgetReset releases the held batches.
            using var raise = await pipeline.MonitorHttp.PutAsJsonAsync("budget", new { dailyLimit = 100_000 });
            Assert.True(raise.IsSuccessStatusCode, $"PUT /budget answered {(int)raise.StatusCode}: {await raise.Content.ReadAsStringAsync()}");

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(2));
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(3), "completed", "completedWithFailures");
            var figures = await Measure.FiguresAsync(pipeline, "budget_exhaustion_and_reset", leads.ExpectedAccepted, duplicatesBound: 0);
            FaultLedger.RecordAndAssert(figures with { CreditsOverBudget = overToday });
        }
        finally
        {
            await pipeline.SaveOutputAsync("budget");
        }
    }
}
