using System.Text.Json.Nodes;
using ClayBus.ClaySim.Tests.Support;
using ClayBus.Testing;

namespace ClayBus.ClaySim.Tests.Admin;

/// <summary>
/// <c>GET /_sim/rows/{rowId}</c> says what Clay charged for the row: the ground truth that a row's lineage credits are
/// checked against end to end. Every copy is charged, and the Action of the HTTP API call once it went through.
/// </summary>
public sealed class RowChargeSpecs() : ClaySimSpecs(new Dictionary<string, string?> { ["ClaySim:LimitsEnabled"] = "false" })
{
    [Fact]
    public async Task Should_charge_each_row_what_its_waterfall_and_callback_cost()
    {
        await Sim.InstantProviderAsync("misser", 0.0);
        await Sim.InstantProviderAsync("finder", 1.0, dataCredits: 2.5);
        var hook = await Sim.CreateTableAsync("row-charge-specs", new { waterfall = new[] { "misser", "finder" } });

        await Sim.SendRowsAsync(hook, ["once", "twice"], jobId: "job-charge");
        await Sim.SendRowsAsync(hook, ["twice"], jobId: "job-charge");
        await Eventually.Until(async () => await Sim.CounterAsync("totals", null, "actionsCharged") >= 3 * 3, TimeSpan.FromSeconds(30), "every copy charged and called back");

        var once = await Row("once");
        var twice = await Row("twice");
        Assert.Equal((2.5m, 3), (once["dataCreditsCharged"]!.GetValue<decimal>(), once["actionsCharged"]!.GetValue<int>()));
        Assert.Equal((5.0m, 6), (twice["dataCreditsCharged"]!.GetValue<decimal>(), twice["actionsCharged"]!.GetValue<int>()));
        var reported = Host.Callbacks.Accepted.Where(c => c.Json.GetProperty("claybus_row_id").GetString() == "once").Sum(c => c.Json.GetProperty("credits").GetProperty("actions").GetInt32());
        Assert.Equal(reported, once["actionsCharged"]!.GetValue<int>());
    }

    private async Task<JsonNode> Row(string rowId) =>
        JsonNode.Parse(await Sim.Http.GetStringAsync(new Uri($"/_sim/rows/{rowId}", UriKind.Relative)))!;
}
