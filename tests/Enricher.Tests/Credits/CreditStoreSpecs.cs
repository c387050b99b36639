using ClayBus.Enricher.Credits;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Enricher.Tests.Credits;

/// <summary>Each test uses a time zone and day of its own, so the ledgers of different tests never meet.</summary>
[Trait("Category", "Integration")]
public sealed class CreditStoreSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_never_reserve_past_the_limit_across_three_instances()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 1, 10, 12, 0, 0, TimeSpan.Zero));
        var options = new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyLimit = 100, TimeZone = "UTC" });
        var ledgers = (await Keyspaces.ConnectAsync(infrastructure, 3)).Select(redis => new CreditStore(redis, options, time)).ToArray();
        var job = Guid.NewGuid();

        // 60 rows of 3 credits race for a budget of 100: exactly 33 fit.
        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => ledgers[i % 3].ReserveAsync(job, "t", [$"row-{i}"], new RowPrice(3, 1))));
        var status = await ledgers[0].StatusAsync();

        Assert.Equal(33, results.Count(r => r.Reserved));
        Assert.Equal(99m, status.Reserved);
        Assert.Equal(1m, status.Remaining);
        Assert.Equal(1, results.Count(r => r.FirstExhaustion));
        Assert.Equal(1, results.Count(r => r.FirstAlert));
    }

    [Fact]
    public async Task Should_settle_each_row_once_and_release_rows_never_sent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 2, 10, 12, 0, 0, TimeSpan.Zero));
        var ledger = new CreditStore(await Keyspaces.ConnectAsync(infrastructure), new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyLimit = 1000 }), time);
        var job = Guid.NewGuid();

        var reserved = await ledger.ReserveAsync(job, "t", ["a", "b", "c"], new RowPrice(6, 1));
        var again = await ledger.ReserveAsync(job, "t", ["a", "b", "c"], new RowPrice(6, 1));
        var settledFirst = (await ledger.SettleAsync(new RowCharge(job, "a", "t", 2.5m, 1))).Outcome.MovesMoney;
        var settledTwice = (await ledger.SettleAsync(new RowCharge(job, "a", "t", 2.5m, 1))).Outcome.MovesMoney;
        await ledger.ReleaseAsync(reserved.Day, job, ["b"]);
        var status = await ledger.StatusAsync();

        Assert.Equal(18m, reserved.Credits);
        Assert.Equal(0m, again.Credits);
        Assert.True(settledFirst);
        Assert.False(settledTwice);
        Assert.Equal(6m, status.Reserved);
        Assert.Equal(2.5m, status.Spent);
        Assert.Equal(1000m - 8.5m, status.Remaining);
    }

    [Fact]
    public async Task Should_start_a_new_day_at_local_midnight_of_the_configured_zone()
    {
        // 23:59:30 in New York is 04:59:30 UTC the next day (winter time).
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 3, 3, 4, 59, 30, TimeSpan.Zero));
        var ledger = new CreditStore(
            await Keyspaces.ConnectAsync(infrastructure),
            new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyLimit = 10, TimeZone = "America/New_York" }),
            time);
        var job = Guid.NewGuid();

        var full = await ledger.ReserveAsync(job, "t", ["a"], new RowPrice(10, 1));
        var refused = await ledger.ReserveAsync(job, "t", ["b"], new RowPrice(10, 1));
        var before = await ledger.StatusAsync();
        time.Advance(TimeSpan.FromMinutes(1));
        var nextDay = await ledger.ReserveAsync(job, "t", ["b"], new RowPrice(10, 1));

        Assert.True(full.Reserved);
        Assert.False(refused.Reserved);
        Assert.Equal(new DateOnly(2031, 3, 2), before.Day);
        Assert.Equal(new DateTimeOffset(2031, 3, 3, 5, 0, 0, TimeSpan.Zero), before.NextResetAt);
        Assert.True(nextDay.Reserved);
        Assert.Equal(new DateOnly(2031, 3, 3), nextDay.Day);
    }

    [Fact]
    public async Task Should_free_an_exhausted_budget_when_the_limit_is_raised()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 4, 10, 12, 0, 0, TimeSpan.Zero));
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var ledger = new CreditStore(redis, new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyLimit = 10 }), time);
        var job = Guid.NewGuid();
        await ledger.ReserveAsync(job, "t", ["a"], new RowPrice(10, 1));
        var refused = await ledger.ReserveAsync(job, "t", ["b"], new RowPrice(10, 1));

        var (old, freed) = await ledger.ChangeLimitAsync(25, null);
        var status = await ledger.StatusAsync();
        var after = await ledger.ReserveAsync(job, "t", ["b"], new RowPrice(10, 1));

        Assert.True(refused.FirstExhaustion);
        Assert.Equal(10m, old);
        Assert.True(freed);
        Assert.Equal(25m, status.Limit);
        Assert.False(status.Exhausted);
        Assert.True(after.Reserved);
        // The operator's limit outlives the test otherwise, and overrides the other tests' configuration.
        await infrastructure.Redis.Database.KeyDeleteAsync(infrastructure.Redis.Prefix + "credits:limits");
    }

    [Fact]
    public async Task Should_hold_the_monthly_limit_too()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 5, 10, 12, 0, 0, TimeSpan.Zero));
        var ledger = new CreditStore(
            await Keyspaces.ConnectAsync(infrastructure),
            new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyLimit = 100, MonthlyLimit = 15 }),
            time);
        var job = Guid.NewGuid();

        var first = await ledger.ReserveAsync(job, "t", ["a"], new RowPrice(10, 1));
        time.Advance(TimeSpan.FromDays(1));
        var nextDay = await ledger.ReserveAsync(job, "t", ["b"], new RowPrice(10, 1));

        Assert.True(first.Reserved);
        Assert.False(nextDay.Reserved);
    }
}
