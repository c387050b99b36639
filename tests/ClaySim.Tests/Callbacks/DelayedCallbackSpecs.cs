using ClayBus.ClaySim.Tests.Support;
using ClayBus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.ClaySim.Tests.Callbacks;

/// <summary>Late callbacks, on a clock the test owns: not a moment before the delay, soon after it.</summary>
public sealed class DelayedCallbackSpecs() : ClaySimSpecs(
    new Dictionary<string, string?>
    {
        ["ClaySim:SpeedFactor"] = "1",
        ["ClaySim:EnrichmentOverheadMinMs"] = "0",
        ["ClaySim:EnrichmentOverheadMaxMs"] = "0",
    },
    new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)))
{
    private FakeTimeProvider Clock => (FakeTimeProvider)Time!;

    [Fact]
    public async Task Should_hold_a_callback_for_the_configured_delay_in_simulated_time()
    {
        await Sim.InstantProviderAsync("finder", 1.0);
        var hook = await Sim.CreateTableAsync("delayed-callbacks", new { waterfall = new[] { "finder" } });
        await Sim.FaultsAsync(new { callbackDelayMs = 60_000 });
        await Sim.ConfigureAsync(new { speedFactor = 2.0 });

        await Sim.SendRowsAsync(hook, ["late-row"]);
        await Eventually.Until(async () => await Sim.CounterAsync("totals", null, "rowsEnriched") == 1, TimeSpan.FromSeconds(30), "the row to be enriched");
        var enrichedAt = Clock.GetUtcNow();
        await Eventually.Until(
            () =>
            {
                Clock.Advance(TimeSpan.FromSeconds(1));
                return Host.Callbacks.Accepted.Count == 1;
            },
            TimeSpan.FromSeconds(30),
            "the delayed callback");

        var waited = Host.Callbacks.Accepted.Single().At - enrichedAt;
        Assert.InRange(waited, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(32));
    }
}
