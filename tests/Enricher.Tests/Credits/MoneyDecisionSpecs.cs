using ClayBus.Enricher.Credits;

namespace ClayBus.Enricher.Tests.Credits;

/// <summary>The money rules as plain classes, without Redis: what to reserve, whether it fits, how a callback settles.</summary>
public sealed class MoneyDecisionSpecs
{
    private static readonly PriceListOptions Waterfall = new()
    {
        Providers = new() { ["clearbit"] = 2, ["apollo"] = 2.5m, ["zoominfo"] = 5 },
    };

    [Fact]
    public void Should_reserve_the_dearest_provider_and_one_action_per_provider_plus_the_callback()
    {
        Assert.Equal(new RowPrice(5, 4), PriceLists.WorstCase(Waterfall));
        Assert.Equal(new RowPrice(5, 9), PriceLists.WorstCase(new PriceListOptions { Providers = Waterfall.Providers, ActionsPerRow = 9 }));
    }

    [Theory]
    [InlineData(Meters.DataCredits, "zoominfo", 5, true)]
    [InlineData(Meters.DataCredits, "zoominfo", 5.5, false)]
    [InlineData(Meters.DataCredits, "clearbit", 3, false)]
    [InlineData(Meters.DataCredits, "unpriced", 1, false)]
    [InlineData(Meters.DataCredits, "", 5, true)]
    [InlineData(Meters.Actions, null, 4, true)]
    [InlineData(Meters.Actions, null, 5, false)]
    public void Should_say_whether_the_price_list_covers_a_charge(string meter, string? provider, double charged, bool covered) =>
        Assert.Equal(covered, PriceLists.Covers(Waterfall, meter, provider, (decimal)charged));

    [Fact]
    public void Should_name_the_key_and_the_fix_of_a_bad_price_list()
    {
        Assert.Contains(PriceLists.Validate("leads", null), e => e.StartsWith("Tables:leads:Prices:Providers: is required", StringComparison.Ordinal));
        var bad = new PriceListOptions { Providers = new() { ["zoominfo"] = -1 }, ActionsPerRow = 0 };
        var errors = PriceLists.Validate("leads", bad).ToList();
        Assert.Contains(errors, e => e.StartsWith("Tables:leads:Prices:Providers:zoominfo: must be between 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Tables:leads:Prices:ActionsPerRow: must be between 1", StringComparison.Ordinal));
        Assert.Empty(PriceLists.Validate("leads", Waterfall));
    }

    [Theory]
    [InlineData(90, 10, BudgetRefusal.None)]
    [InlineData(91, 10, BudgetRefusal.DataCreditsDaily)]
    [InlineData(0, 0, BudgetRefusal.None)]
    public void Should_refuse_a_reservation_that_would_pass_the_daily_credit_limit(long used, long needed, BudgetRefusal expected) =>
        Assert.Equal(expected, ReservationDecision.Decide(new MeterUse(used, 100, used, -1), needed, new MeterUse(0, -1, 0, -1), 1));

    [Fact]
    public void Should_refuse_on_any_limit_of_either_meter_and_hold_nothing()
    {
        var roomyCredits = new MeterUse(0, 1000, 0, 5000);
        Assert.Equal(BudgetRefusal.DataCreditsMonthly, ReservationDecision.Decide(new MeterUse(0, 1000, 4995, 5000), 10, new MeterUse(0, -1, 0, -1), 1));
        Assert.Equal(BudgetRefusal.ActionsDaily, ReservationDecision.Decide(roomyCredits, 10, new MeterUse(95, 100, 95, -1), 6));
        Assert.Equal(BudgetRefusal.ActionsMonthly, ReservationDecision.Decide(roomyCredits, 10, new MeterUse(0, 100, 398, 400), 6));
        Assert.Equal(BudgetRefusal.None, ReservationDecision.Decide(roomyCredits, 10, new MeterUse(94, 100, 394, 400), 6));
    }

    [Fact]
    public void Should_settle_only_a_row_reserved_for_this_table_with_a_sane_amount()
    {
        var reserved = new ReservedRow('r', "2031-01-01", 5000, 4, "leads");
        Assert.Equal(SettlementResult.NotReserved, Decide(null, "leads", 2000, 2).Result);
        Assert.Equal(SettlementResult.AlreadySettled, Decide(reserved with { State = 's' }, "leads", 2000, 2).Result);
        Assert.Equal(SettlementResult.OtherTable, Decide(reserved, "other", 2000, 2).Result);
        Assert.Equal(SettlementResult.AmountRefused, Decide(reserved, "leads", -1, 2).Result);
        Assert.Equal(SettlementResult.AmountRefused, Decide(reserved, "leads", 40_000_000, 2).Result);
        Assert.Equal(SettlementResult.AmountRefused, Decide(reserved, "leads", 2000, -1).Result);
        Assert.Equal(SettlementResult.Kept, Decide(reserved, "leads", 0, 0, creditsUnknown: true).Result);
        Assert.Equal(new SettlementOutcome(SettlementResult.Settled, false, false), Decide(reserved, "leads", 5000, 4));
    }

    [Fact]
    public void Should_book_a_charge_above_the_reservation_and_flag_it_per_meter()
    {
        var reserved = new ReservedRow('r', "2031-01-01", 5000, 4, "leads");
        Assert.Equal(new SettlementOutcome(SettlementResult.Settled, true, false), Decide(reserved, "leads", 5001, 4));
        Assert.Equal(new SettlementOutcome(SettlementResult.Settled, false, true), Decide(reserved, "leads", 0, 5));
        Assert.True(Decide(reserved, "leads", 5001, 4).MovesMoney);
    }

    [Fact]
    public void Should_list_the_held_charges_the_price_list_does_not_cover()
    {
        var held = new[] { ("data_credits:zoominfo", 7000L), ("data_credits:clearbit", 2000L), ("actions", 4L) };
        Assert.Equal(["zoominfo 7 Data Credits a hit"], TableHolds.Uncovered(Waterfall, held));
        var raised = new PriceListOptions { Providers = new(Waterfall.Providers) { ["zoominfo"] = 7 } };
        Assert.Empty(TableHolds.Uncovered(raised, held));
    }

    private static SettlementOutcome Decide(ReservedRow? row, string table, long milli, long actions, bool creditsUnknown = false) =>
        SettlementDecision.Decide(row, table, milli, actions, creditsUnknown, 1_000_000, 1_000);
}
