using System.Net;
using System.Text.Json;
using ClayBus.EndToEnd.Tests.Faults;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using Xunit.Abstractions;

namespace ClayBus.EndToEnd.Tests.Callbacks;

/// <summary>
/// Clay takes some rows and goes silent about them: the job is reported Stuck with what is missing, and when the
/// callbacks finally come it finishes with every row accounted for, once.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StuckRecoverySpecs(InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private const int Leads = 300;
    private const string Final = "completed|completedWithFailures";
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    /// <summary>The saga's transitions (docs/monitor.md's state diagram) between phases the status API shows.</summary>
    private static readonly HashSet<(string From, string To)> Transitions =
    [
        ("submitted", "delivering"), ("submitted", "enriching"), ("delivering", "enriching"),
        ("submitted", "stuck"), ("delivering", "stuck"), ("enriching", "stuck"),
        ("stuck", "delivering"), ("stuck", "enriching"),
        .. from open in new[] { "submitted", "delivering", "enriching", "stuck" }
           from done in Final.Split('|')
           select (open, done),
    ];

    [Fact]
    public async Task Should_report_a_silent_job_stuck_then_complete_it_with_every_row_once_when_the_late_callbacks_arrive()
    {
        // A short stuck timeout, so the silence is noticed within the test; the default is 30 minutes.
        var settings = new PipelineSettings { Enrichers = 1, Extra = new Dictionary<string, string?> { ["Jobs__StuckAfter"] = "00:00:10" } };
        await using var pipeline = await Pipeline.StartAsync(infrastructure, settings);
        try
        {
            await Run(pipeline);
        }
        finally
        {
            await pipeline.SaveOutputAsync("stuck-recovery");
        }
    }

    private async Task Run(Pipeline pipeline)
    {
        var leads = LeadFile.Create(Leads, batch: "stuck-recovery", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        var rows = await ClayRows.DryRunAsync(pipeline, leads.Csv);
        Assert.Equal(leads.ExpectedAccepted, rows.Count);

        await pipeline.PutClaySimAsync("_sim/faults", new { stuckRowRate = 0.05 });
        var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
        await using var watch = new JobWatch(pipeline, jobId);

        // Stuck once Clay has finished everything it will finish: every row it did not hold back has called back.
        var stuckAtClay = 0;
        var stuck = await watch.WaitForAsync(
            async job =>
            {
                var totals = (await pipeline.CountersAsync()).GetProperty("totals");
                stuckAtClay = totals.GetProperty("rowsStuck").GetInt32();
                return job.GetProperty("phase").GetString() == "stuck"
                    && stuckAtClay > 0
                    && totals.GetProperty("callbacksSent").GetInt32() + stuckAtClay == leads.ExpectedAccepted
                    && Outstanding(job) == stuckAtClay;
            },
            Deadline,
            $"job {jobId} stuck with exactly the rows ClaySim holds back outstanding");

        Assert.InRange(stuckAtClay, 1, leads.ExpectedAccepted / 5);
        Assert.Equal(leads.ExpectedAccepted, stuck.GetProperty("rowsDelivered").GetInt32());
        var cause = stuck.GetProperty("likelyCause").GetString();
        Assert.NotNull(cause);
        // Everything was delivered and most rows came back, so the evidence points at Clay, and names what is missing.
        Assert.StartsWith("Clay backlog", cause, StringComparison.Ordinal);
        Assert.Contains($"while {stuckAtClay} are outstanding", cause, StringComparison.Ordinal);
        var stuckJobs = await pipeline.MonitorHttp.GetStringAsync(new Uri("status/jobs?state=stuck", UriKind.Relative));
        Assert.Contains(jobId.ToString(), stuckJobs, StringComparison.Ordinal);

        // The outstanding rows by id: lineage shows them sent and still waiting for Clay.
        var waiting = new List<RoutedRow>();
        foreach (var row in rows)
        {
            var lineage = await ClayRows.LineageAsync(pipeline, row.RowId);
            if (lineage.GetProperty("outcome").GetString() == "awaiting_callback")
            {
                Assert.NotEqual(JsonValueKind.Null, lineage.GetProperty("sentAt").ValueKind);
                waiting.Add(row);
            }
        }

        Assert.Equal(stuckAtClay, waiting.Count);

        // The fault is lifted, but ClaySim drops a stuck row for good (no charge, no callback): the late callbacks
        // come the way Clay's HTTP API column would send them, to the Monitor with the shared secret.
        using (var lifted = await pipeline.ClaySimHttp.DeleteAsync(new Uri("_sim/faults", UriKind.Relative)))
        {
            lifted.EnsureSuccessStatusCode();
        }

        const decimal LateCredits = 1.5m;
        foreach (var row in waiting)
        {
            Assert.Equal(HttpStatusCode.OK, await ClayRows.CallBackAsync(pipeline, jobId, row, "apollo", LateCredits));
        }

        var done = await watch.WaitForAsync(job => Final.Split('|').Contains(job.GetProperty("phase").GetString()), Deadline, $"job {jobId} to finish after the late callbacks");
        var counters = (await pipeline.CountersAsync()).GetProperty("totals");

        // The states, in the order seen: through Stuck (the fault), then out of it, ending finished.
        var phases = watch.Phases;
        var seen = string.Join(" → ", phases);
        output.WriteLine($"{stuckAtClay} of {leads.ExpectedAccepted} rows stuck at Clay; phases seen: {seen}; cause: {cause}");
        Assert.Contains("stuck", phases);
        Assert.True(Final.Split('|').Contains(phases[^1]), $"the job must end finished: {seen}");
        Assert.Single(phases, phase => Final.Split('|').Contains(phase));
        Assert.All(phases.Zip(phases.Skip(1)), step => Assert.True(Transitions.Contains(step), $"{step.First} → {step.Second} is not a transition of the job saga: {seen}"));

        // Every row once: the Clay outcomes plus the late ones, nothing outstanding, nothing dead-lettered.
        var enriched = done.GetProperty("rowsEnriched").GetInt32();
        var failed = done.GetProperty("rowsFailed").GetInt32();
        Assert.Equal(leads.ExpectedAccepted, done.GetProperty("rowsDelivered").GetInt32());
        Assert.Equal(done.GetProperty("rowsDelivered").GetInt32(), enriched + failed);
        Assert.Equal(0, done.GetProperty("rowsDeadLettered").GetInt32());
        Assert.Equal(0, Outstanding(done));
        Assert.Equal(counters.GetProperty("rowsEnriched").GetInt32() + stuckAtClay, enriched);
        Assert.Equal(counters.GetProperty("rowsNoData").GetInt32() + counters.GetProperty("rowsError").GetInt32(), failed);
        Assert.Equal(failed > 0 ? "completedWithFailures" : "completed", done.GetProperty("phase").GetString());
        Assert.Equal(counters.GetProperty("dataCreditsCharged").GetDecimal() + (stuckAtClay * LateCredits), done.GetProperty("creditsSpent").GetDecimal());
        Assert.Equal(0, counters.GetProperty("duplicateRowIds").GetInt32());
        Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
        Assert.Equal(0, pipeline.UnexpectedExits);
        foreach (var row in waiting)
        {
            var lineage = await ClayRows.LineageAsync(pipeline, row.RowId);
            Assert.Equal("enriched", lineage.GetProperty("outcome").GetString());
            Assert.Equal(1, lineage.GetProperty("callbacks").GetInt32());
        }
    }

    /// <summary>Rows neither called back nor dead-lettered, from the job's status.</summary>
    private static int Outstanding(JsonElement job) =>
        job.GetProperty("rowsAccepted").GetInt32() - job.GetProperty("rowsEnriched").GetInt32() - job.GetProperty("rowsFailed").GetInt32() - job.GetProperty("rowsDeadLettered").GetInt32();
}
