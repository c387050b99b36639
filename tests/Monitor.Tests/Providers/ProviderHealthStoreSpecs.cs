using ClayBus.Monitor.Providers;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Providers;

/// <summary>
/// Ejections against the real Redis, where several consumers (and Monitors) reconcile at once: a provider that
/// recovered between a reconcile's read of the degraded marks and its ejection must not stay routed around.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProviderHealthStoreSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private readonly string _prefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";

    private ProviderHealthStore Store => new(new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = _prefix })));

    [Fact]
    public async Task Should_not_eject_a_provider_that_recovered_after_the_degraded_marks_were_read()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.True(await Store.TryMarkDegradedAsync("apollo", now));
        var seenDegraded = await Store.DegradedAsync();

        // Another consumer sees apollo recover before this one ejects from its (now stale) read.
        Assert.True(await Store.TryMarkRecoveredAsync("apollo"));

        Assert.Contains("apollo", seenDegraded.Keys);
        Assert.Equal(EjectionResult.NotDegraded, await Store.TryEjectAsync("apollo", 1, now));
        Assert.Empty(await Store.EjectedInOrderAsync());
    }

    [Fact]
    public async Task Should_drop_an_ejection_whose_provider_is_no_longer_degraded()
    {
        var now = DateTimeOffset.UtcNow;
        await Store.TryMarkDegradedAsync("apollo", now);
        await Store.TryMarkDegradedAsync("hunter", now);
        Assert.Equal(EjectionResult.Ejected, await Store.TryEjectAsync("apollo", 2, now));
        Assert.Equal(EjectionResult.Ejected, await Store.TryEjectAsync("hunter", 2, now.AddSeconds(1)));

        // As a crash between clearing the mark and the ejection, or an older Monitor's race, leaves it.
        await infrastructure.Redis.Database.HashDeleteAsync(_prefix + "providers:degraded", "apollo");

        Assert.Equal(["hunter"], await Store.EjectedInOrderAsync());
        Assert.Null(await infrastructure.Redis.Database.SortedSetScoreAsync(_prefix + "providers:ejected", "apollo"));
    }

    [Fact]
    public async Task Should_count_provider_names_past_the_cap_under_other()
    {
        var store = Store;
        Assert.Equal("apollo", (await store.RecordAsync("apollo", true, 10, maxProviders: 2)).Provider);
        Assert.Equal("hunter", (await store.RecordAsync("hunter", true, 10, maxProviders: 2)).Provider);

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(ProviderHealthStore.Other, (await store.RecordAsync($"forged-{i}", false, 10, maxProviders: 2)).Provider);
        }

        // A known name keeps its own window after the cap is reached.
        var (apollo, window) = await store.RecordAsync("apollo", true, 10, maxProviders: 2);
        Assert.Equal("apollo", apollo);
        Assert.Equal(2, window.Samples);
        var keys = infrastructure.Redis.Connection.GetServer(infrastructure.Redis.Connection.GetEndPoints()[0]).Keys(pattern: _prefix + "providers:window:*").ToList();
        Assert.Equal(3, keys.Count);
    }

    [Fact]
    public async Task Should_number_each_route_change_and_list_the_current_route_with_its_number()
    {
        var store = Store;
        var rerouted = await store.TrySetRouteAsync("outbound-leads-tech", "outbound-leads-tech-no-apollo");
        Assert.Equal(0, await store.TrySetRouteAsync("outbound-leads-tech", "outbound-leads-tech-no-apollo"));
        var restored = await store.TrySetRouteAsync("outbound-leads-tech", null);
        var finance = await store.TrySetRouteAsync("outbound-leads-finance", "outbound-leads-finance-no-hunter");

        Assert.True(rerouted > 0 && restored > rerouted, $"versions {rerouted} then {restored}");
        var current = (await store.RouteVersionsAsync()).OrderBy(route => route.Table, StringComparer.Ordinal).ToList();
        Assert.Equal([("outbound-leads-finance", "outbound-leads-finance-no-hunter", finance), ("outbound-leads-tech", (string?)null, restored)], current);
        Assert.Equal(["outbound-leads-finance"], (await store.RoutesAsync()).Keys);
    }

    [Fact]
    public async Task Should_number_a_change_past_every_earlier_one_even_after_the_versions_were_deleted()
    {
        // An operator resetting provider health deletes the providers:* keys; a Submitter keeps the versions it applied.
        var store = Store;
        var before = await store.TrySetRouteAsync("outbound-leads-tech", "outbound-leads-tech-no-apollo");
        await infrastructure.Redis.Database.KeyDeleteAsync([_prefix + "providers:routes", _prefix + "providers:route-versions"]);

        var after = await store.TrySetRouteAsync("outbound-leads-tech", "outbound-leads-tech-no-apollo");

        Assert.True(after > before, $"version {after} after the reset, {before} before it");
    }
}
