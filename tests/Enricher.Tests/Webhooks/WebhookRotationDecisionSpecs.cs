using ClayBus.Enricher.Webhooks;

namespace ClayBus.Enricher.Tests.Webhooks;

/// <summary>Which webhook takes a request, from counts alone, with no Redis (caps 80 warn, 90 rotate, 100 hard).</summary>
public sealed class WebhookRotationDecisionSpecs
{
    private static readonly RotationAsk Seven = new(7, 80, 90, 100, Capped: true, TableMaxRows: 250);

    [Fact]
    public void Should_stay_on_the_current_webhook_below_the_rotation_threshold_and_warn_once()
    {
        var first = WebhookRotationDecision.Decide(Seven, Pool([85, 0], warned: [false, false], current: 0));
        var again = WebhookRotationDecision.Decide(Seven, Pool([85, 0], warned: [true, false], current: 0));

        Assert.Equal((1, 92L, true, 0), (first.Hook, first.CountAfter, first.CrossedWarning, first.RotatedFrom));
        Assert.False(again.CrossedWarning);
    }

    [Fact]
    public void Should_rotate_at_the_threshold_or_when_the_request_would_pass_the_cap()
    {
        var atThreshold = WebhookRotationDecision.Decide(Seven, Pool([90, 0], warned: [true, false], current: 0));
        var wouldPassCap = WebhookRotationDecision.Decide(Seven with { Records = 12 }, Pool([89, 0], warned: [true, false], current: 0));

        Assert.Equal((2, 1, 90L), (atThreshold.Hook, atThreshold.RotatedFrom, atThreshold.RotatedFromCount));
        Assert.Equal(2, wouldPassCap.Hook);
    }

    [Fact]
    public void Should_announce_a_spent_pool_once_and_a_full_table_before_any_webhook()
    {
        var spent = WebhookRotationDecision.Decide(Seven, Pool([95, 95], warned: [true, true], current: 1));
        var stillSpent = WebhookRotationDecision.Decide(Seven, Pool([95, 95], warned: [true, true], current: 1) with { Exhausted = true });
        var full = WebhookRotationDecision.Decide(Seven, Pool([95, 50], warned: [true, false], current: 1) with { Rows = 245 });

        Assert.Equal((0, true), (spent.Hook, spent.FirstExhaustion));
        Assert.False(stillSpent.FirstExhaustion);
        Assert.Equal((0, true), (full.Hook, full.TableFull));
    }

    [Fact]
    public void Should_never_cap_an_auto_delete_table()
    {
        var verdict = WebhookRotationDecision.Decide(Seven with { Capped = false }, Pool([5_000, 0], warned: [false, false], current: 0) with { Rows = 5_000 });

        Assert.Equal((1, 5_007L, false), (verdict.Hook, verdict.CountAfter, verdict.CrossedWarning));
    }

    private static WebhookPoolState Pool(long[] counts, bool[] warned, int current)
    {
        string[] hooks = [.. counts.Select((_, i) => $"hook-{i}")];
        return new WebhookPoolState(counts.Sum(), hooks, counts, warned, hooks[current], false);
    }
}
