using ClayBus.Contracts.Delivery;
using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Status;

/// <summary>
/// The paused-Enricher view on the real Redis: pause and resume arrive in either order (or on two Monitors), and a
/// pause nobody resumed is dropped once it is older than the staleness.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EnricherPauseStoreSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);
    private readonly string _prefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    private EnricherPauseStore Store => new(new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = _prefix })));

    [Fact]
    public async Task Should_ignore_a_pause_that_its_resume_overtook_and_keep_a_newer_one()
    {
        Assert.False(await Store.ResumedAsync("e1/1", PauseReason.ClayUnavailable, _now));

        Assert.False(await Store.PausedAsync(Pause("e1/1", PauseReason.ClayUnavailable, _now.AddSeconds(-1))));
        Assert.Empty(await Store.ReadAsync(_now, Day));

        // The Enricher paused again after that resume (Clay still down at the probe).
        Assert.True(await Store.PausedAsync(Pause("e1/1", PauseReason.ClayUnavailable, _now.AddSeconds(30))));
        Assert.Equal("e1/1", Assert.Single(await Store.ReadAsync(_now, Day)).Instance);
    }

    [Fact]
    public async Task Should_remove_only_the_resumed_reason_and_not_a_pause_newer_than_the_resume()
    {
        await Store.PausedAsync(Pause("e2/1", PauseReason.BudgetExhausted, _now.AddMinutes(-5)));
        await Store.PausedAsync(Pause("e2/1", PauseReason.LedgerUnavailable, _now.AddMinutes(-1)));

        Assert.False(await Store.ResumedAsync("e2/1", PauseReason.LedgerUnavailable, _now.AddMinutes(-2)));
        Assert.True(await Store.ResumedAsync("e2/1", PauseReason.BudgetExhausted, _now));

        var pause = Assert.Single(await Store.ReadAsync(_now, Day));
        Assert.Equal(PauseReason.LedgerUnavailable, pause.Reason);
        Assert.Equal("detail of LedgerUnavailable", pause.Detail);
        Assert.Equal(_now.AddMinutes(-1), pause.Since);
    }

    [Fact]
    public async Task Should_drop_a_pause_older_than_the_staleness_when_read()
    {
        await Store.PausedAsync(Pause("dead/1", PauseReason.BudgetExhausted, _now.AddDays(-2)));
        await Store.PausedAsync(Pause("live/1", PauseReason.BudgetExhausted, _now.AddHours(-23)) with { ProbeAt = _now.AddMinutes(1) });

        var pause = Assert.Single(await Store.ReadAsync(_now, Day));

        Assert.Equal(("live/1", _now.AddMinutes(1)), (pause.Instance, pause.ProbeAt));
        Assert.False(await infrastructure.Redis.Database.HashExistsAsync(_prefix + "enrichers:paused:detail", "dead/1|BudgetExhausted"));
    }

    private static EnricherPause Pause(string instance, PauseReason reason, DateTimeOffset since) =>
        new(instance, reason, "detail of " + reason, since, null);
}
