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
}
