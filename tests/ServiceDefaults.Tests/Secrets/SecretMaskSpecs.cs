using ClayBus.ServiceDefaults.Secrets;

namespace ClayBus.ServiceDefaults.Tests.Secrets;

public class SecretMaskSpecs
{
    [Fact]
    public void Should_show_only_the_last_six_characters() =>
        Assert.Equal("…1e2d3c", SecretMask.Mask("https://api.clay.com/v3/sources/webhook/pull-in-data-from-a-webhook-0f1e2d3c"));

    [Theory]
    [InlineData(null, "(none)")]
    [InlineData("", "(none)")]
    [InlineData("abc", "…***")]
    [InlineData("abcdef", "…******")]
    public void Should_never_show_a_short_secret(string? secret, string expected) =>
        Assert.Equal(expected, SecretMask.Mask(secret));
}
