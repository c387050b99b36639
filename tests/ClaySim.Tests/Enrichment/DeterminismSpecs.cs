using System.Globalization;
using ClayBus.ClaySim.Tests.Support;
using ClayBus.Testing;

namespace ClayBus.ClaySim.Tests.Enrichment;

/// <summary>A row's fate depends on the seed and its row id only, and the ledger matches what the callbacks say.</summary>
public sealed class DeterminismSpecs
{
    private const int Rows = 60;

    [Fact]
    public async Task Should_enrich_the_same_rows_the_same_way_under_the_same_seed()
    {
        var first = await EnrichAsync(seed: 7, concurrency: 1);
        var second = await EnrichAsync(seed: 7, concurrency: 64);

        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        Assert.All(first, row => Assert.Equal(row.Value.Body, second[row.Key].Body));
        Assert.True(first.Values.Select(b => b.Json.GetProperty("status").GetString()).Distinct().Count() > 1, "a realistic waterfall both finds and misses");
    }

    [Fact]
    public async Task Should_enrich_differently_under_another_seed()
    {
        var first = await EnrichAsync(seed: 7, concurrency: 8);
        var other = await EnrichAsync(seed: 8, concurrency: 8);

        Assert.Contains(first, row => row.Value.Body != other[row.Key].Body);
    }

    [Fact]
    public async Task Should_charge_the_ledger_exactly_what_the_callbacks_report()
    {
        using var host = new ClaySimHost(new Dictionary<string, string?> { ["ClaySim:LimitsEnabled"] = "false" });
        using var sim = host.Sim;
        var hook = await sim.CreateTableAsync("ledger-specs");

        await sim.SendRowsAsync(hook, Enumerable.Range(0, Rows).Select(i => $"ledger-{i}"));
        await Eventually.Until(() => host.Callbacks.Accepted.Count == Rows, TimeSpan.FromSeconds(60), "every callback");
        var expectedActions = host.Callbacks.Accepted.Sum(c => c.Json.GetProperty("credits").GetProperty("actions").GetInt32());
        await Eventually.Until(async () => await sim.CounterAsync("totals", null, "actionsCharged") >= expectedActions, TimeSpan.FromSeconds(60), "every HTTP API Action charged");

        var credits = host.Callbacks.Accepted.Select(c => c.Json.GetProperty("credits")).ToList();
        Assert.Equal(credits.Sum(c => c.GetProperty("data_credits").GetDouble()), await sim.CounterAsync("totals", null, "dataCreditsCharged"), 6);
        Assert.Equal(credits.Sum(c => c.GetProperty("actions").GetInt32()), await sim.CounterAsync("totals", null, "actionsCharged"));
        var counters = await sim.CountersAsync();
        var perProvider = counters["providers"]!.AsObject().Sum(p => p.Value!["dataCreditsCharged"]!.GetValue<double>());
        Assert.Equal(credits.Sum(c => c.GetProperty("data_credits").GetDouble()), perProvider, 6);
        var providerActions = counters["providers"]!.AsObject().Sum(p => p.Value!["actionsCharged"]!.GetValue<double>());
        // Clay meters every provider call, hit or not, and the row's HTTP API call once: providers called + 1 per row.
        Assert.All(host.Callbacks.Accepted, c => Assert.Equal(ProvidersCalled(c) + 1, c.Json.GetProperty("credits").GetProperty("actions").GetInt32()));
        Assert.Equal(host.Callbacks.Accepted.Sum(ProvidersCalled), providerActions);
        Assert.True(providerActions > host.Callbacks.Accepted.Count(c => c.Json.GetProperty("status").GetString() == "enriched"), "misses cost Actions too");
        Assert.Equal(providerActions + Rows, await sim.CounterAsync("totals", null, "actionsCharged"));
    }

    private static int ProvidersCalled(ReceivedCallback callback) =>
        callback.Json.GetProperty("providers").EnumerateArray().Count(p => p.GetProperty("result").GetString() != "skipped");

    private static async Task<Dictionary<string, ReceivedCallback>> EnrichAsync(long seed, int concurrency)
    {
        using var host = new ClaySimHost(new Dictionary<string, string?>
        {
            ["ClaySim:Seed"] = seed.ToString(CultureInfo.InvariantCulture),
            ["ClaySim:EnrichmentConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["ClaySim:LimitsEnabled"] = "false",
        });
        using var sim = host.Sim;
        var hook = await sim.CreateTableAsync("determinism-specs");

        // Two requests in opposite orders: arrival order must not matter either.
        var rows = Enumerable.Range(0, Rows).Select(i => $"row-{i}").ToList();
        await sim.SendRowsAsync(hook, concurrency == 1 ? rows.Take(Rows / 2) : rows.Skip(Rows / 2));
        await sim.SendRowsAsync(hook, concurrency == 1 ? rows.Skip(Rows / 2) : rows.Take(Rows / 2));
        await Eventually.Until(() => host.Callbacks.Accepted.Count == Rows, TimeSpan.FromSeconds(60), "every callback");
        return host.Callbacks.Accepted.ToDictionary(c => c.RowId);
    }
}
