using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Tracking;
using ClayBus.Enricher.Credits;
using ClayBus.Enricher.Delivery;
using ClayBus.Enricher.Idempotency;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Enricher.Tests.Credits;

/// <summary>The settlement consumer on MassTransit's in-memory harness and the real Redis ledger.</summary>
[Trait("Category", "Integration")]
public sealed class CreditSettlementConsumerSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const string Table = "leads";

    [Fact]
    public async Task Should_move_no_money_for_forged_callbacks_and_settle_the_real_one_once()
    {
        await using var provider = await StartAsync(new DateTimeOffset(2032, 1, 10, 12, 0, 0, TimeSpan.Zero));
        var (harness, ledger) = (provider.GetRequiredService<ITestHarness>(), provider.GetRequiredService<CreditStore>());
        var job = Guid.NewGuid();
        await ledger.ReserveAsync(job, Table, ["a", "b"], new RowPrice(5, 4));
        var before = await ledger.StatusAsync();

        await harness.Bus.Publish(Enriched(Guid.NewGuid(), "a", Table, 40_000));
        await harness.Bus.Publish(Enriched(job, "a", "other-table", 3));
        await harness.Bus.Publish(Enriched(job, "never-sent", Table, 3));
        await harness.Bus.Publish(Enriched(job, "a", Table, -5));
        await harness.Bus.Publish(Enriched(job, "a", Table, 40_000));
        await harness.Bus.Publish(Enriched(job, "b", Table, 0) with { CreditsUnknown = true });
        await Consumed(harness, 6);
        var afterForgeries = await ledger.StatusAsync();

        await harness.Bus.Publish(Enriched(job, "a", Table, 2.5m, actions: 3));
        await harness.Bus.Publish(Enriched(job, "a", Table, 2.5m, actions: 3));
        await Consumed(harness, 8);
        var settled = await ledger.StatusAsync();

        Assert.Equal((before.Reserved, before.Spent, before.ActionsReserved, before.ActionsSpent), (afterForgeries.Reserved, afterForgeries.Spent, afterForgeries.ActionsReserved, afterForgeries.ActionsSpent));
        Assert.Equal((10m, 0m, 8L), (before.Reserved, before.Spent, before.ActionsReserved!.Value));
        // Row a: 5 reserved → 2.5 spent, 4 Actions → 3; row b keeps its worst case (its credits were unknown).
        Assert.Equal((5m, 2.5m, 4L, 3L), (settled.Reserved, settled.Spent, settled.ActionsReserved!.Value, settled.ActionsSpent!.Value));
        Assert.False(await harness.Published.Any<BudgetAnomaly>());
    }

    [Fact]
    public async Task Should_book_a_charge_above_the_reservation_raise_an_anomaly_and_hold_the_table_until_its_price_list_covers_it()
    {
        await using var provider = await StartAsync(new DateTimeOffset(2032, 2, 10, 12, 0, 0, TimeSpan.Zero));
        var (harness, ledger, holds) = (provider.GetRequiredService<ITestHarness>(), provider.GetRequiredService<CreditStore>(), provider.GetRequiredService<TableHolds>());
        var job = Guid.NewGuid();
        await ledger.ReserveAsync(job, Table, ["a"], new RowPrice(5, 4));

        await harness.Bus.Publish(Enriched(job, "a", Table, 8, provider: "zoominfo"));
        await Consumed(harness, 1);
        var status = await ledger.StatusAsync();
        var prices = new PriceListOptions { Providers = new() { ["zoominfo"] = 5 } };
        var held = await holds.WhyHeldAsync(Table, prices);
        prices.Providers["zoominfo"] = 8;
        var lifted = await holds.WhyHeldAsync(Table, prices);

        Assert.Equal((0m, 8m), (status.Reserved, status.Spent));
        var anomaly = Assert.Single(harness.Published.Select<BudgetAnomaly>()).Context.Message;
        Assert.Equal((Table, "zoominfo", Meters.DataCredits, 8m, 5m), (anomaly.TableKey, anomaly.Provider, anomaly.Meter, anomaly.Charged, anomaly.Reserved));
        Assert.NotNull(held);
        Assert.Contains("Tables:leads:Prices", held, StringComparison.Ordinal);
        Assert.Null(lifted);
        Assert.Empty(await holds.HeldTablesAsync());
    }

    [Fact]
    public async Task Should_prove_an_ambiguous_send_with_one_callback_of_its_rows()
    {
        await using var provider = await StartAsync(new DateTimeOffset(2032, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var (harness, ledger, claims) = (provider.GetRequiredService<ITestHarness>(), provider.GetRequiredService<CreditStore>(), provider.GetRequiredService<RowClaims>());
        var job = Guid.NewGuid();
        await claims.ClaimAsync(job, "send-1", ["a", "b", "c"], TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        await ledger.ReserveAsync(job, Table, ["a", "b", "c"], new RowPrice(5, 4));
        await claims.MarkUnknownAsync(job, "send-1", ["a", "b", "c"], TimeSpan.FromHours(1));
        var waiting = await claims.ClaimAsync(job, "send-2", ["a", "b", "c"], TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

        await harness.Bus.Publish(Enriched(job, "b", Table, 2));
        await Consumed(harness, 1);
        var proved = await claims.ClaimAsync(job, "send-3", ["a", "b", "c"], TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

        Assert.Equal(["a", "b", "c"], waiting.Waiting!);
        Assert.Equal(["a", "b", "c"], proved.AlreadySent);
        Assert.Empty(proved.Claimed);
    }

    [Fact]
    public async Task Should_release_a_held_table_at_an_operators_request_though_its_price_list_still_falls_short()
    {
        await using var provider = await StartAsync(new DateTimeOffset(2032, 4, 10, 12, 0, 0, TimeSpan.Zero));
        var (harness, holds) = (provider.GetRequiredService<ITestHarness>(), provider.GetRequiredService<TableHolds>());
        var prices = new PriceListOptions { Providers = new() { ["zoominfo"] = 5 } };
        await holds.HoldAsync(Table, Meters.DataCredits, "zoominfo", 8);
        var held = await holds.WhyHeldAsync(Table, prices);

        await harness.Bus.Publish(new ReleaseTableHold(Table, "operate-key", DateTimeOffset.UtcNow));
        await Eventually.Until(() => harness.Consumed.Select<ReleaseTableHold>().Any(), TimeSpan.FromSeconds(10), "the release consumed");

        Assert.NotNull(held);
        Assert.Null(await holds.WhyHeldAsync(Table, prices));
        Assert.Empty(await holds.HeldTablesAsync());
    }

    private async Task<ServiceProvider> StartAsync(DateTimeOffset now)
    {
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var provider = new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton(redis)
            .AddSingleton<TimeProvider>(new FakeTimeProvider(now))
            .AddSingleton<IOptionsMonitor<BudgetOptions>>(new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyLimit = 1000 }))
            .AddSingleton<CreditStore>()
            .AddSingleton<TableHolds>()
            .AddSingleton<RowClaims>()
            .AddSingleton<DeliveryMetrics>()
            .AddMassTransitTestHarness(x =>
            {
                x.AddConsumer<CreditSettlementConsumer>();
                x.AddConsumer<ReleaseTableHoldConsumer>();
            })
            .BuildServiceProvider(true);
        await provider.GetRequiredService<ITestHarness>().Start();
        return provider;
    }

    private static async Task Consumed(ITestHarness harness, int count) =>
        await Eventually.Until(
            () => harness.Consumed.Select<RowEnriched>().Count() >= count,
            TimeSpan.FromSeconds(10),
            $"{count} callbacks consumed");

    private static RowEnriched Enriched(Guid job, string row, string table, decimal credits, int actions = 2, string provider = "apollo") =>
        new(job, row, table, provider, [new ProviderOutcome(provider, ProviderResult.Hit, credits)], credits, actions, DateTimeOffset.UtcNow);
}
