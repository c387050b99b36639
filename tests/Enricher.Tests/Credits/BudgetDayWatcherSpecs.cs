using ClayBus.Contracts.Credits;
using ClayBus.Enricher.Credits;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Enricher.Tests.Credits;

/// <summary>The watcher on the real Redis ledger and MassTransit's in-memory harness, with a fake clock.</summary>
[Trait("Category", "Integration")]
public sealed class BudgetDayWatcherSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_publish_one_reset_when_two_enrichers_start_after_a_midnight_none_ran_across()
    {
        // 00:05 on 12 Jan in Paris; the last day any Enricher started was 11 Jan, and none ran across midnight.
        var time = new FakeTimeProvider(new DateTimeOffset(2032, 1, 11, 23, 5, 0, TimeSpan.Zero));
        IOptionsMonitor<BudgetOptions> options = new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyLimit = 700, TimeZone = "Europe/Paris" });
        var ledgers = (await Keyspaces.ConnectAsync(infrastructure, 2)).Select(redis => new CreditStore(redis, options, time)).ToArray();
        await ledgers[0].RecordDayStartedAsync(new DateOnly(2032, 1, 11));
        await using var provider = new ServiceCollection().AddMassTransitTestHarness().BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var watchers = ledgers.Select(ledger => new BudgetDayWatcher(ledger, harness.Bus, time, options, NullLogger<BudgetDayWatcher>.Instance)).ToArray();

        foreach (var watcher in watchers)
        {
            await watcher.StartAsync(CancellationToken.None);
        }

        await Eventually.Until(
            async () => await ledgers[1].LastStartedDayAsync() == new DateOnly(2032, 1, 12),
            TimeSpan.FromSeconds(10),
            "an Enricher to record the new day");
        foreach (var watcher in watchers)
        {
            await watcher.StopAsync(CancellationToken.None);
        }

        var reset = Assert.Single(harness.Published.Select<BudgetReset>());
        Assert.Equal(new DateOnly(2032, 1, 12), reset.Context.Message.Day);
        Assert.Equal(700m, reset.Context.Message.Limit);
    }

    [Fact]
    public async Task Should_publish_the_reset_on_a_later_tick_when_the_broker_refused_the_first()
    {
        // Before the fix the day's flag stayed set after the failed publish: no instance ever published that reset.
        var time = new FakeTimeProvider(new DateTimeOffset(2033, 3, 1, 23, 5, 0, TimeSpan.Zero));
        IOptionsMonitor<BudgetOptions> options = new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyLimit = 500, TimeZone = "Europe/Paris" });
        var ledger = new CreditStore((await Keyspaces.ConnectAsync(infrastructure, 1))[0], options, time);
        await ledger.RecordDayStartedAsync(new DateOnly(2033, 3, 1));
        var attempts = 0;
        await using var provider = new ServiceCollection()
            .AddMassTransitTestHarness(bus => bus.UsingInMemory((context, configurator) =>
            {
                configurator.ConfigurePublish(publish => publish.UseExecute(sending =>
                {
                    if (sending is PublishContext<BudgetReset> && Interlocked.Increment(ref attempts) == 1)
                    {
                        throw new InvalidOperationException("the broker refused the publish");
                    }
                }));
                configurator.ConfigureEndpoints(context);
            }))
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var watcher = new BudgetDayWatcher(ledger, harness.Bus, time, options, NullLogger<BudgetDayWatcher>.Instance);

        await watcher.StartAsync(CancellationToken.None);
        await Eventually.Until(() => Volatile.Read(ref attempts) >= 1, TimeSpan.FromSeconds(10), "the first publish to be refused");
        await Eventually.Until(
            async () =>
            {
                time.Advance(TimeSpan.FromSeconds(1));
                return await ledger.LastStartedDayAsync() == new DateOnly(2033, 3, 2);
            },
            TimeSpan.FromSeconds(10),
            "a later tick to publish the reset and record the day");
        await watcher.StopAsync(CancellationToken.None);

        var reset = Assert.Single(harness.Published.Select<BudgetReset>(), published => published.Exception is null);
        Assert.Equal(new DateOnly(2033, 3, 2), reset.Context.Message.Day);
        Assert.Equal(2, Volatile.Read(ref attempts));
    }
}
