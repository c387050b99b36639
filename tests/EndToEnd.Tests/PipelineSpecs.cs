using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests;

/// <summary>The main guarantee, with every service as its own process: each valid lead reaches Clay once and comes back.</summary>
[Trait("Category", "Integration")]
public sealed class PipelineSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Should_deliver_every_valid_row_once_and_account_for_every_callback_and_credit()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings());
        try
        {
            await Run(pipeline);
        }
        finally
        {
            await pipeline.SaveOutputAsync("pipeline");
        }
    }

    private static async Task Run(Pipeline pipeline)
    {
        var leads = LeadFile.Create(unique: PipelineSettings.Rows(quick: 4_000, full: 10_000), batch: "happy");

        var report = await pipeline.SubmitCsvAsync(leads.Csv);
        var jobId = report.GetProperty("jobId").GetGuid();
        var job = await pipeline.WaitForJobAsync(jobId, Deadline, "completed", "completedWithFailures");
        var counters = await pipeline.CountersAsync();

        Assert.Equal(leads.ExpectedAccepted, report.GetProperty("rowsAccepted").GetInt32());
        Assert.Equal(leads.Invalid, report.GetProperty("rowsInvalid").GetInt32());
        Assert.Equal(leads.Duplicates, report.GetProperty("rowsDeduplicated").GetInt32());
        var totals = counters.GetProperty("totals");
        Assert.Equal(leads.ExpectedAccepted, totals.GetProperty("recordsAccepted").GetInt32());
        Assert.Equal(0, totals.GetProperty("duplicateRowIds").GetInt32());
        foreach (var (table, expected) in leads.ExpectedPerTable)
        {
            Assert.Equal(expected, counters.GetProperty("tables").GetProperty(table).GetProperty("recordsAccepted").GetInt32());
        }

        Assert.Equal(leads.ExpectedAccepted, totals.GetProperty("callbacksSent").GetInt32());
        Assert.Equal(leads.ExpectedAccepted, job.GetProperty("rowsDelivered").GetInt32());
        Assert.Equal(leads.ExpectedAccepted, job.GetProperty("rowsEnriched").GetInt32() + job.GetProperty("rowsFailed").GetInt32());
        Assert.Equal(0, job.GetProperty("rowsDeadLettered").GetInt32());
        Assert.Equal(totals.GetProperty("dataCreditsCharged").GetDecimal(), job.GetProperty("creditsSpent").GetDecimal());
        SecretScan.AssertNoSecretIn(pipeline);
    }
}
