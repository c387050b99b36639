using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Providers;

namespace ClayBus.Monitor.Tests.Providers;

public class ProviderHealthPolicySpecs
{
    private readonly ProviderHealthPolicy _policy = new(new ProviderHealthOptions { WindowSize = 100, MinimumSamples = 20, DegradedBelow = 0.5, RecoveryMargin = 0.1, MaxEjectedShare = 0.5 });

    [Fact]
    public void Should_not_judge_before_the_minimum_sample_count()
    {
        Assert.Equal(ProviderVerdict.Unchanged, _policy.Judge(new ProviderWindow(19, 0), degraded: false));
    }

    [Fact]
    public void Should_degrade_below_the_threshold_with_enough_samples()
    {
        Assert.Equal(ProviderVerdict.Degrade, _policy.Judge(new ProviderWindow(20, 9), degraded: false));
        Assert.Equal(ProviderVerdict.Unchanged, _policy.Judge(new ProviderWindow(20, 10), degraded: false));
    }

    [Fact]
    public void Should_recover_only_above_the_threshold_plus_the_margin()
    {
        Assert.Equal(ProviderVerdict.Unchanged, _policy.Judge(new ProviderWindow(100, 55), degraded: true));
        Assert.Equal(ProviderVerdict.Recover, _policy.Judge(new ProviderWindow(100, 60), degraded: true));
    }

    [Theory]
    [InlineData(ProviderResult.Hit, true)]
    [InlineData(ProviderResult.NoData, true)]
    [InlineData(ProviderResult.Error, false)]
    [InlineData(ProviderResult.Timeout, false)]
    [InlineData(ProviderResult.Skipped, null)]
    public void Should_count_an_answer_without_data_as_healthy_and_ignore_skipped(ProviderResult result, bool? success)
    {
        Assert.Equal(success, ProviderWindow.IsSuccess(result));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(4, 2)]
    [InlineData(5, 2)]
    [InlineData(6, 3)]
    public void Should_eject_at_most_the_configured_share_and_at_least_one(int known, int max)
    {
        Assert.Equal(max, _policy.MaxEjected(known));
    }

    [Fact]
    public void Should_route_each_table_to_the_variant_of_its_first_ejected_provider()
    {
        var tables = new Dictionary<string, TableVariants>
        {
            ["tech"] = new() { Variants = { ["apollo"] = "tech-no-apollo", ["hunter"] = "tech-no-hunter" } },
            ["retail"] = new() { Variants = { ["hunter"] = "retail-no-hunter" } },
            ["plain"] = new(),
        };

        var routes = ProviderHealthPolicy.Routes(tables, ["apollo"]);

        Assert.Equal("tech-no-apollo", routes["tech"]);
        Assert.Null(routes["retail"]);
        Assert.False(routes.ContainsKey("plain"));
        Assert.Equal("tech-no-hunter", ProviderHealthPolicy.Routes(tables, ["hunter", "apollo"])["tech"]);
    }
}
