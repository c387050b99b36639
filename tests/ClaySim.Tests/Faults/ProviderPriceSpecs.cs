using System.Net;
using System.Net.Http.Json;
using ClayBus.ClaySim.Tests.Support;
using ClayBus.Testing;

namespace ClayBus.ClaySim.Tests.Faults;

/// <summary><c>providerPrices</c>: a provider billing above the table's estimate, exactly, while the fault is in force.</summary>
public sealed class ProviderPriceSpecs() : ClaySimSpecs(new Dictionary<string, string?> { ["ClaySim:LimitsEnabled"] = "false" })
{
    [Fact]
    public async Task Should_charge_the_fault_price_per_hit_instead_of_the_profile_price()
    {
        await Sim.InstantProviderAsync("pricey", 1.0, dataCredits: 2);
        await Sim.InstantProviderAsync("free", 1.0, dataCredits: 3, ownKey: true);
        var hook = await Sim.CreateTableAsync("price-specs", new { waterfall = new[] { "pricey" } });
        var owned = await Sim.CreateTableAsync("own-key-price-specs", new { waterfall = new[] { "free" } });
        await Sim.FaultsAsync(new { providerPrices = new Dictionary<string, double> { ["pricey"] = 7.125, ["free"] = 9 } });

        await Sim.SendRowsAsync(hook, ["a", "b", "c"]);
        await Sim.SendRowsAsync(owned, ["own"]);
        await Eventually.Until(async () => await Sim.CounterAsync("totals", null, "actionsCharged") >= (3 * 2) + 2, TimeSpan.FromSeconds(30), "every row charged");

        var bodies = Host.Callbacks.Accepted.ToDictionary(c => c.RowId, c => c.Json.GetProperty("credits").GetProperty("data_credits").GetDouble());
        Assert.Equal(7.125, bodies["a"]);
        Assert.Equal(0, bodies["own"]);
        Assert.Equal(21.375, await Sim.CounterAsync("tables", "price-specs", "dataCreditsCharged"));
        Assert.Equal(21.375, await Sim.CounterAsync("providers", "pricey", "dataCreditsCharged"));
        Assert.Equal(0, await Sim.CounterAsync("tables", "own-key-price-specs", "dataCreditsCharged"));
    }

    [Fact]
    public async Task Should_go_back_to_the_profile_price_when_the_faults_are_cleared()
    {
        await Sim.InstantProviderAsync("pricey", 1.0, dataCredits: 2);
        var hook = await Sim.CreateTableAsync("price-clear-specs", new { waterfall = new[] { "pricey" } });
        await Sim.FaultsAsync(new { providerPrices = new Dictionary<string, double> { ["pricey"] = 5 } });
        await Sim.SendRowsAsync(hook, ["during"]);
        await Eventually.Until(() => Host.Callbacks.Accepted.Count == 1, TimeSpan.FromSeconds(30), "the first callback");

        (await Sim.Http.DeleteAsync(new Uri("/_sim/faults", UriKind.Relative))).EnsureSuccessStatusCode();
        await Sim.SendRowsAsync(hook, ["after"]);
        await Eventually.Until(() => Host.Callbacks.Accepted.Count == 2, TimeSpan.FromSeconds(30), "the second callback");

        Assert.Equal(7, await Sim.CounterAsync("tables", "price-clear-specs", "dataCreditsCharged"));
    }

    [Fact]
    public async Task Should_refuse_a_negative_price_naming_the_provider()
    {
        var response = await Sim.Http.PutAsJsonAsync("/_sim/faults", new { providerPrices = new Dictionary<string, double> { ["apollo"] = -1 } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("providerPrices.apollo", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
