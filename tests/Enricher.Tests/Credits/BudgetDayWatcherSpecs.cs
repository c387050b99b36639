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
}
