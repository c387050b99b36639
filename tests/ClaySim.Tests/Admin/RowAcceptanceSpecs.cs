using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClayBus.ClaySim.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.ClaySim.Tests.Admin;

/// <summary>
/// <c>GET /_sim/rows/{rowId}</c> and <c>POST /_sim/rows/lookup</c> (issue 16): when a row first came through Clay's
/// door, on the unscaled clock (a fake one here, so the times are exact), and how many copies were accepted.
/// </summary>
public sealed class RowAcceptanceSpecs() : ClaySimSpecs(
    new Dictionary<string, string?> { ["ClaySim:EnrichmentEnabled"] = "false", ["ClaySim:LimitsEnabled"] = "false" },
    new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, 123, TimeSpan.Zero)))
{
    private FakeTimeProvider Clock => (FakeTimeProvider)Time!;

    [Fact]
    public async Task Should_keep_the_first_acceptance_time_and_count_every_copy()
    {
        var hook = await Sim.CreateTableAsync("row-time-specs");

        await Sim.SendRowsAsync(hook, ["hot-1", "hot-2"], jobId: "job-hot");
        Clock.Advance(TimeSpan.FromMilliseconds(1_500));
        await Sim.SendRowsAsync(hook, ["hot-1"], jobId: "job-hot");

        var row = await Row("hot-1");
        Assert.Equal("hot-1", row["rowId"]!.GetValue<string>());
        Assert.Equal("job-hot", row["jobId"]!.GetValue<string>());
        Assert.Equal("row-time-specs", row["table"]!.GetValue<string>());
        Assert.Equal("2026-03-01T12:00:00.123Z", row["firstAcceptedAt"]!.GetValue<string>());
        Assert.Equal(2, row["timesAccepted"]!.GetValue<int>());
        Assert.Equal(1, (await Row("hot-2"))["timesAccepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task Should_look_up_many_rows_at_once_and_leave_out_the_unknown_ones()
    {
        var hook = await Sim.CreateTableAsync("row-lookup-specs");
        await Sim.SendRowsAsync(hook, ["early"], jobId: "job-1");
        Clock.Advance(TimeSpan.FromSeconds(2));
        await Sim.SendRowsAsync(hook, ["late"], jobId: "job-2");

        var response = await Sim.Http.PostAsJsonAsync("/_sim/rows/lookup", new { rowIds = new[] { "late", "never-sent", "early" } });

        response.EnsureSuccessStatusCode();
        var rows = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["rows"]!.AsArray();
        Assert.Equal(["late", "early"], rows.Select(r => r!["rowId"]!.GetValue<string>()));
        Assert.Equal("2026-03-01T12:00:02.123Z", rows[0]!["firstAcceptedAt"]!.GetValue<string>());
        Assert.Equal("job-2", rows[0]!["jobId"]!.GetValue<string>());
        Assert.Equal("2026-03-01T12:00:00.123Z", rows[1]!["firstAcceptedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Should_answer_404_for_a_row_dropped_over_a_cap_or_never_sent()
    {
        var hook = await Sim.CreateTableAsync("row-cap-specs", new { rowCap = 1 });
        await Sim.SendRowsAsync(hook, ["kept", "dropped"]);

        var dropped = await Sim.Http.GetAsync(new Uri("/_sim/rows/dropped", UriKind.Relative));
        var never = await Sim.Http.GetAsync(new Uri("/_sim/rows/never", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, dropped.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, never.StatusCode);
        Assert.Equal("row_not_found", JsonNode.Parse(await never.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(1, (await Row("kept"))["timesAccepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task Should_refuse_a_lookup_of_more_than_ten_thousand_ids_naming_the_field()
    {
        var response = await Sim.Http.PostAsJsonAsync("/_sim/rows/lookup", new { rowIds = Enumerable.Range(0, 10_001).Select(i => $"r{i}") });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("rowIds", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonNode> Row(string rowId) =>
        JsonNode.Parse(await Sim.Http.GetStringAsync(new Uri($"/_sim/rows/{rowId}", UriKind.Relative)))!;
}
