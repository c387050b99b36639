using ClayBus.Submitter.Planning;

namespace ClayBus.Submitter.Tests.Planning;

public class CapacityPlanSpecs
{
    [Fact]
    public void Should_plan_fifty_thousand_leads_a_month()
    {
        var plan = CapacityPlan.For(50_000);

        Assert.Equal(300_000m, plan.DataCreditsPerMonth);
        Assert.Equal(100_000, plan.ActionsPerMonth);
        Assert.Equal("Enterprise", plan.Tier);
        Assert.Equal(1, plan.WebhooksPerMonth);
        Assert.Equal(12, plan.WebhooksPerYear);
        Assert.Equal(12, plan.TablesPerYear);
        Assert.Equal(1.39, plan.DeliveryHoursPerMonth);
    }

    [Theory]
    [InlineData(5_000, 6, false, "Growth")]
    [InlineData(20_000, 6, false, "Enterprise")]
    [InlineData(20_000, 6, true, "Growth")]
    [InlineData(1_000, 6, false, "Growth")]
    public void Should_pick_the_smallest_tier_that_fits(long leads, double credits, bool ownKeys, string tier)
    {
        Assert.Equal(tier, CapacityPlan.For(leads, (decimal)credits, ownKeys).Tier);
    }

    [Fact]
    public void Should_count_no_credits_with_own_keys_and_round_webhooks_up()
    {
        var plan = CapacityPlan.For(50_001, 6, ownKeys: true);

        Assert.Equal(0m, plan.DataCreditsPerMonth);
        Assert.Equal(2, plan.WebhooksPerMonth);
        Assert.Contains(plan.Notes, note => note.Contains("Actions are still spent", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_say_launch_covers_a_small_volume_but_cannot_carry_claybus()
    {
        // 1,000 leads: 2,000 Actions and 6,000 credits, within Launch's 15,000 Actions and 10,000 credits.
        var plan = CapacityPlan.For(1_000);

        var launch = Assert.Single(plan.Tiers!, tier => tier.Name == "Launch");
        Assert.True(launch.CoversVolume);
        Assert.False(launch.Usable);
        Assert.Equal("covers 2,000 Actions and 6,000 Data Credits a month (15,000 Actions, up to 10,000 credits) but has no webhooks and no HTTP API: ClayBus can neither send rows to its tables nor receive the enriched rows", launch.Verdict);
        Assert.Equal("Growth", plan.Tier);
        Assert.Equal(["Launch", "Growth", "Enterprise"], plan.Tiers!.Select(tier => tier.Name));
    }

    [Fact]
    public void Should_need_no_new_tables_or_webhooks_with_auto_delete_which_only_enterprise_has()
    {
        // 200,000 leads a month: 48 tables a year at 50,000 rows each, none with auto-delete.
        var capped = CapacityPlan.For(200_000, ownKeys: true, actionsPerLead: 1);
        var autoDelete = CapacityPlan.For(200_000, ownKeys: true, actionsPerLead: 1, autoDelete: true);
        var smallAutoDelete = CapacityPlan.For(1_000, autoDelete: true);

        Assert.Equal(48, capped.TablesPerYear);
        Assert.Equal(48, capped.WebhooksPerYear);
        Assert.Equal(0, autoDelete.TablesPerYear);
        Assert.Equal(0, autoDelete.WebhooksPerYear);
        Assert.Equal("Enterprise", smallAutoDelete.Tier);
        Assert.Contains(smallAutoDelete.Tiers!, tier => tier is { Name: "Growth", Usable: false } && tier.Verdict.Contains("auto-delete", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_time_the_delivery_at_the_workspace_rate()
    {
        // 90,000 leads: 2.5 h at Clay's 10 records/s, 5 h at a workspace configured to 5/s.
        Assert.Equal(2.5, CapacityPlan.For(90_000).DeliveryHoursPerMonth);
        Assert.Equal(5, CapacityPlan.For(90_000, recordsPerSecond: 5).DeliveryHoursPerMonth);
        Assert.Equal(5, CapacityPlan.For(90_000, recordsPerSecond: 5).RecordsPerSecond);
    }
}
