using ClayBus.ClaySim.Tests.Support;

namespace ClayBus.ClaySim.Tests.Admin;

/// <summary>A bad setting stops ClaySim at start with a message naming the key.</summary>
public sealed class StartupSpecs
{
    [Theory]
    [InlineData("ClaySim:BucketCapacity", "0", "BucketCapacity")]
    [InlineData("ClaySim:Tables:0:Waterfall:0", "nobody", "ClaySim:Tables:0:Waterfall names provider 'nobody'")]
    [InlineData("ClaySim:Providers:apollo:HitRate", "1.5", "ClaySim:Providers:apollo: HitRate")]
    [InlineData("ClaySim:EnrichmentOverheadMinMs", "20000", "ClaySim:EnrichmentOverheadMaxMs")]
    public void Should_refuse_to_start_naming_the_bad_key(string key, string value, string message)
    {
        using var host = new ClaySimHost(new Dictionary<string, string?> { [key] = value });

        var failure = Assert.ThrowsAny<Exception>(() => host.CreateClient());

        Assert.Contains(message, failure.ToString(), StringComparison.Ordinal);
    }
}
