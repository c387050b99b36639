using ClayBus.Enricher.RateLimiting;

namespace ClayBus.Enricher.Tests.RateLimiting;

/// <summary>The shared rate's climb and its cut after a 429, on a fake clock (µs) with no Redis.</summary>
public sealed class BackoffDecisionSpecs
{
    private const long Now = 1_000_000_000_000;
    private static readonly RateTerms Terms = RateTerms.Of(new RateLimitOptions());

    [Fact]
    public void Should_climb_back_linearly_and_stop_at_the_ceiling()
    {
        var cut = new BucketState(null, 5.0, Now - 2_000_000, null);

        Assert.Equal(7.0, BackoffDecision.RateAt(Now, cut, Terms), 9);
        Assert.Equal(Terms.Ceiling, BackoffDecision.RateAt(Now + 60_000_000, cut, Terms));
    }

    [Fact]
    public void Should_only_trim_the_rate_for_a_lone_429_and_halve_it_for_a_repeated_one()
    {
        var lone = BackoffDecision.Decide(Now, 1_000_000, new BucketState(null, null, null, Now - 60_000_000), Terms);
        var repeated = BackoffDecision.Decide(Now, 1_000_000, new BucketState(null, 8.0, Now, Now - 5_000_000), Terms);

        Assert.Equal(Terms.Ceiling * Terms.IsolatedDecreaseFactor, lone.Rate, 9);
        Assert.Equal(8.0 * Terms.DecreaseFactor, repeated.Rate, 9);
    }

    [Fact]
    public void Should_cut_once_per_Retry_After_window_however_many_callers_see_the_storm()
    {
        var verdict = BackoffDecision.Decide(Now, 2_000_000, new BucketState(null, 6.0, Now - 1_500_000, Now - 1_500_000), Terms);

        Assert.False(verdict.Decreased);
        Assert.Equal(7.5, verdict.Rate, 9);
    }

    [Fact]
    public void Should_empty_the_bucket_when_the_Retry_After_is_over_but_never_pull_a_later_slot_forward()
    {
        var near = BackoffDecision.Decide(Now, 1_000_000, new BucketState(Now, null, null, null), Terms);
        var far = BackoffDecision.Decide(Now, 1_000_000, new BucketState(Now + 60_000_000, null, null, null), Terms);

        Assert.Equal(Now + 1_000_000 + (Terms.Burst * 1_000_000.0 / near.Rate), near.NewTat);
        Assert.Null(far.NewTat);
    }

    [Fact]
    public void Should_never_go_below_the_minimum_rate()
    {
        var verdict = BackoffDecision.Decide(Now, 1_000_000, new BucketState(null, Terms.Minimum, Now, Now - 5_000_000), Terms);

        Assert.Equal(Terms.Minimum, verdict.Rate);
    }
}
