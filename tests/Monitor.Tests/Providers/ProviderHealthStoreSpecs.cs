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
}
