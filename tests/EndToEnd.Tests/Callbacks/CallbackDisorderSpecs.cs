using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClayBus.EndToEnd.Tests.Faults;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using Xunit.Abstractions;

namespace ClayBus.EndToEnd.Tests.Callbacks;

/// <summary>
/// Clay calls back twice, late and out of order (docs/clay-interfaces.md §1): the job still counts each row once, and
/// its credits are what Clay charged.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CallbackDisorderSpecs(InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private const int Leads = 300;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Should_count_each_row_once_and_spend_what_clay_charged_when_callbacks_come_twice_late_and_out_of_order()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings { Enrichers = 1 });
        try
        {
            await Run(pipeline);
        }
        finally
        {
            await pipeline.SaveOutputAsync("callback-disorder");
        }
    }

    private async Task Run(Pipeline pipeline)
    {
        var leads = LeadFile.Create(Leads, batch: "callback-disorder", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        var rows = await ClayRows.DryRunAsync(pipeline, leads.Csv);
        Assert.Equal(leads.ExpectedAccepted, rows.Count);

        // A wide out-of-order window (held up to a second of real time, sent newest first), a third of the rows called
        // back twice, and every callback 30 simulated seconds late.
        await pipeline.PutClaySimAsync("_sim/config", new { callbackOutOfOrderWindow = 20 });
        await pipeline.PutClaySimAsync("_sim/faults", new { callbackDuplicateRate = 0.3, callbackOutOfOrder = true, callbackDelayMs = 30_000 });
        var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
        await using var watch = new JobWatch(pipeline, jobId);

        var finished = await watch.WaitForAsync(
            job => job.GetProperty("phase").GetString() is "completed" or "completedWithFailures",
            Deadline,
            $"job {jobId} to finish");

        // Duplicates can still be on their way after the job finished: wait until Clay sent every callback it will send,
        // then read the job again, so a late duplicate that was counted would show.
        var totals = default(JsonElement);
        await Eventually.Until(
            async () =>
            {
                totals = (await pipeline.CountersAsync()).GetProperty("totals");
                return totals.GetProperty("callbacksSent").GetInt32() == leads.ExpectedAccepted + totals.GetProperty("callbacksDuplicated").GetInt32();
            },
            Deadline,
            "ClaySim to send every callback and every duplicate");
        var counters = await pipeline.CountersAsync();
        totals = counters.GetProperty("totals");
        var job = (await pipeline.JobAsync(jobId))!.Value;

        var duplicated = totals.GetProperty("callbacksDuplicated").GetInt32();
        Assert.InRange(duplicated, leads.ExpectedAccepted / 10, leads.ExpectedAccepted / 2);
        Assert.Equal(0, totals.GetProperty("callbacksFailed").GetInt32());
        Assert.Equal(0, totals.GetProperty("rowsStuck").GetInt32());
        Assert.Equal(0, totals.GetProperty("duplicateRowIds").GetInt32());

        // Each row counted once: the job's outcomes are Clay's, table by table, and add up to the rows accepted.
        var enriched = job.GetProperty("rowsEnriched").GetInt32();
        var failed = job.GetProperty("rowsFailed").GetInt32();
        Assert.Equal(job.GetProperty("phase").GetString(), finished.GetProperty("phase").GetString());
        Assert.Equal(leads.ExpectedAccepted, job.GetProperty("rowsAccepted").GetInt32());
        Assert.Equal(leads.ExpectedAccepted, job.GetProperty("rowsDelivered").GetInt32());
        Assert.Equal(leads.ExpectedAccepted, enriched + failed);
        Assert.Equal(finished.GetProperty("rowsEnriched").GetInt32(), enriched);
        Assert.Equal(finished.GetProperty("rowsFailed").GetInt32(), failed);
        Assert.Equal(totals.GetProperty("rowsEnriched").GetInt32(), enriched);
        Assert.Equal(totals.GetProperty("rowsNoData").GetInt32() + totals.GetProperty("rowsError").GetInt32(), failed);
        foreach (var table in job.GetProperty("tables").EnumerateArray())
        {
            var key = table.GetProperty("tableKey").GetString()!;
            var atClay = counters.GetProperty("tables").GetProperty(key);
            Assert.Equal(leads.ExpectedPerTable[key], table.GetProperty("rowsAccepted").GetInt32());
            Assert.Equal(atClay.GetProperty("rowsEnriched").GetInt32(), table.GetProperty("rowsEnriched").GetInt32());
            Assert.Equal(atClay.GetProperty("rowsNoData").GetInt32(), table.GetProperty("rowsNoData").GetInt32());
            Assert.Equal(atClay.GetProperty("rowsError").GetInt32(), table.GetProperty("rowsError").GetInt32());
            Assert.Equal(atClay.GetProperty("dataCreditsCharged").GetDecimal(), table.GetProperty("creditsSpent").GetDecimal());
        }

        // Credits spent are what Clay charged for these rows, duplicates not paid twice.
        Assert.Equal(totals.GetProperty("dataCreditsCharged").GetDecimal(), job.GetProperty("creditsSpent").GetDecimal());
        Assert.Equal(finished.GetProperty("creditsSpent").GetDecimal(), job.GetProperty("creditsSpent").GetDecimal());

        // Nothing dead-lettered, nothing crashed.
        Assert.Equal(0, job.GetProperty("rowsDeadLettered").GetInt32());
        Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
        Assert.Equal(0, pipeline.UnexpectedExits);

        // Row by row: each has its one outcome, and the repeats reached the Monitor and were recognised as repeats.
        var calledBackTwice = 0;
        foreach (var row in rows)
        {
            var lineage = await ClayRows.LineageAsync(pipeline, row.RowId);
            Assert.NotEqual("awaiting_callback", lineage.GetProperty("outcome").GetString());
            Assert.Equal(jobId, lineage.GetProperty("jobId").GetGuid());
            calledBackTwice += lineage.GetProperty("callbacks").GetInt32() > 1 ? 1 : 0;
        }

        // Every callback Clay sent was answered and sorted by the Monitor: a row's first (counted), a repeat (not
        // counted), or one that overtook its row's delivery (parked, then settled once with its row).
        var received = new Dictionary<string, long>();
        await Eventually.Until(
            async () =>
            {
                received = CallbacksReceived(await pipeline.MonitorHttp.GetStringAsync(new Uri("metrics", UriKind.Relative)));
                return received.Where(r => r.Key is "enriched" or "no_data" or "error" or "duplicate" or "unknown_row").Sum(r => r.Value) == totals.GetProperty("callbacksSent").GetInt64();
            },
            TimeSpan.FromSeconds(30),
            $"the Monitor's claybus_callbacks_received_total to add up to ClaySim's {totals.GetProperty("callbacksSent")} callbacks sent");
        var repeats = received.GetValueOrDefault("duplicate");
        var parked = received.GetValueOrDefault("unknown_row");
        output.WriteLine($"{duplicated} duplicate callbacks sent by ClaySim; the Monitor saw {repeats} repeats and parked {parked}; {calledBackTwice} rows show two callbacks; {enriched} enriched, {failed} failed, {job.GetProperty("creditsSpent")} credits");
        var firsts = received.Where(r => r.Key is "enriched" or "no_data" or "error").Sum(r => r.Value);
        Assert.InRange(firsts, leads.ExpectedAccepted - parked, leads.ExpectedAccepted);
        Assert.InRange(repeats, 1, duplicated);
        // A row's copy settled from the parking place adds to its lineage but not to the endpoint's repeats.
        Assert.InRange(calledBackTwice, repeats, duplicated);
    }

    /// <summary>The Monitor's <c>claybus_callbacks_received_total</c> by outcome, from its Prometheus scrape.</summary>
    private static Dictionary<string, long> CallbacksReceived(string scrape) =>
        scrape.Split('\n')
            .Select(line => Regex.Match(line, "^claybus_callbacks_received_total\\{[^}]*outcome=\"([^\"]+)\"[^}]*\\} (\\S+)"))
            .Where(match => match.Success)
            .GroupBy(match => match.Groups[1].Value)
            .ToDictionary(group => group.Key, group => group.Sum(match => (long)double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)));
}
