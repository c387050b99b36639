using System.Net;
using System.Text.Json.Nodes;
using ClayBus.ClaySim.Tests.Support;
using ClayBus.Testing;

namespace ClayBus.ClaySim.Tests.Admin;

/// <summary><c>GET /_sim/counters/jobs/{jobId}</c>: one job's ground truth, apart from the other jobs in the same tables.</summary>
public sealed class JobCounterSpecs() : ClaySimSpecs(new Dictionary<string, string?> { ["ClaySim:LimitsEnabled"] = "false" })
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_count_each_job_apart_from_the_others_in_the_same_table()
    {
        await Sim.InstantProviderAsync("misser", 0.0);
        await Sim.InstantProviderAsync("finder", 1.0, dataCredits: 2.5);
        var hook = await Sim.CreateTableAsync("job-specs", new { waterfall = new[] { "misser", "finder" } });

        await Sim.SendRowsAsync(hook, ["a1", "a2", "a3", "a4"], jobId: "job-a");
        await Sim.SendRowsAsync(hook, ["a1", "b1"], jobId: "job-a");
        await Sim.SendRowsAsync(hook, ["b1", "b2"], jobId: "job-b");
        await Eventually.Until(async () => await Sim.CounterAsync("totals", null, "actionsCharged") >= 8 * 3, Deadline, "every row charged and called back");

        var a = await Job("job-a");
        var b = await Job("job-b");
        Assert.Equal((6, 5, 1, 0, 0), (Int(a, "recordsAccepted"), Int(a, "distinctRows"), Int(a, "duplicateRowIds"), Int(a, "droppedOverCap"), Int(a, "droppedOverTableCap")));
        Assert.Equal((6, 0, 0, 15.0, 18, 6), (Int(a, "rowsEnriched"), Int(a, "rowsNoData"), Int(a, "rowsError"), a["dataCreditsCharged"]!.GetValue<double>(), Int(a, "actionsCharged"), Int(a, "callbacksSent")));
        // b1 was first accepted in job-a: in the table it is a duplicate, counted against the job that sent it again.
        Assert.Equal((2, 1, 1, 5.0, 6), (Int(b, "recordsAccepted"), Int(b, "distinctRows"), Int(b, "duplicateRowIds"), b["dataCreditsCharged"]!.GetValue<double>(), Int(b, "actionsCharged")));
        Assert.Equal(await Sim.CounterAsync("tables", "job-specs", "actionsCharged"), Int(a, "actionsCharged") + Int(b, "actionsCharged"));
        var reported = Host.Callbacks.Accepted.Where(c => c.Json.GetProperty("claybus_job_id").GetString() == "job-a").Sum(c => c.Json.GetProperty("credits").GetProperty("actions").GetInt32());
        Assert.Equal(reported, Int(a, "actionsCharged"));
    }

    [Fact]
    public async Task Should_count_a_job_s_rows_dropped_over_the_webhook_cap_and_over_the_table_cap()
    {
        var capped = await Sim.CreateTableAsync("job-cap-specs", new { rowCap = 300 }, cap: 250);
        var spare = await Sim.AddWebhookAsync("job-cap-specs");

        var first = await Sim.SendRowsAsync(capped, Enumerable.Range(0, 260).Select(i => $"first-{i}"), jobId: "capped-job");
        var second = await Sim.SendRowsAsync(spare, Enumerable.Range(0, 100).Select(i => $"second-{i}"), jobId: "capped-job");

        // Clay drops silently: 250 through the capped webhook (10 over its cap), then 50 until the table's 300 (50 over).
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var job = await Job("capped-job");
        Assert.Equal((300, 60, 50), (Int(job, "recordsAccepted"), Int(job, "droppedOverCap"), Int(job, "droppedOverTableCap")));
        Assert.Equal(300, await Sim.CounterAsync("tables", "job-cap-specs", "recordsAccepted"));
        Assert.Equal(60, await Sim.CounterAsync("tables", "job-cap-specs", "droppedOverCap"));
        Assert.Equal(50, await Sim.CounterAsync("tables", "job-cap-specs", "droppedOverTableCap"));
    }

    [Fact]
    public async Task Should_answer_404_with_a_reason_for_a_job_never_seen()
    {
        var hook = await Sim.CreateTableAsync("job-404-specs");
        await Sim.SendRowsAsync(hook, ["x"], jobId: "known-job");

        var response = await Sim.Http.GetAsync(new Uri("/_sim/counters/jobs/unknown-job", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("job_not_found", body["error"]!.GetValue<string>());
        Assert.Contains("unknown-job", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, Int(await Job("known-job"), "recordsAccepted"));
    }

    [Fact]
    public async Task Should_forget_jobs_at_a_reset()
    {
        var hook = await Sim.CreateTableAsync("job-reset-specs");
        await Sim.SendRowsAsync(hook, ["x"], jobId: "before-reset");

        (await Sim.Http.PostAsync(new Uri("/_sim/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.NotFound, (await Sim.Http.GetAsync(new Uri("/_sim/counters/jobs/before-reset", UriKind.Relative))).StatusCode);
    }

    private async Task<JsonNode> Job(string jobId) =>
        JsonNode.Parse(await Sim.Http.GetStringAsync(new Uri($"/_sim/counters/jobs/{jobId}", UriKind.Relative)))!;

    private static long Int(JsonNode job, string counter) => (long)job[counter]!.GetValue<double>();
}
