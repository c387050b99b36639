using ClayBus.ServiceDefaults.Configuration;
using ClayBus.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Tests.Security;

public sealed class SecurityOptionsSpecs
{
    private const string GoodHash = "sha256:0e327a38c85c259cbfa4b107cecac61d8260dee6d7c1c201ac873277a3d7091f";

    [Fact]
    public void Should_hash_a_key_as_sha256sum_does()
    {
        // printf %s dev-only-claybus-api-key | sha256sum
        Assert.Equal(GoodHash, ApiKeyRing.HashOf("dev-only-claybus-api-key"));
    }

    [Theory]
    [InlineData("Hash", "0e327a38c85c259cbfa4b107cecac61d8260dee6d7c1c201ac873277a3d7091f", "Security:ApiKeys:upstream-crm:Hash")]
    [InlineData("Hash", "sha256:0E327A38C85C259CBFA4B107CECAC61D8260DEE6D7C1C201AC873277A3D7091F", "Security:ApiKeys:upstream-crm:Hash")]
    [InlineData("Hash", "dev-only-claybus-api-key", "Security:ApiKeys:upstream-crm:Hash")]
    [InlineData("Roles:0", "admin", "Security:ApiKeys:upstream-crm:Roles")]
    [InlineData("PermitsPerMinute", "0", "Security:ApiKeys:upstream-crm:PermitsPerMinute")]
    public void Should_refuse_a_bad_key_naming_it(string field, string value, string expectedKey)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Security:ApiKeys:upstream-crm:Hash"] = GoodHash,
            ["Security:ApiKeys:upstream-crm:Roles:0"] = "submit",
            ["Security:ApiKeys:upstream-crm:" + field] = value,
        };

        var failure = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains(failure.Failures, message => message.StartsWith(expectedKey + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_accept_no_keys_at_all()
    {
        var options = Resolve(new Dictionary<string, string?>());

        Assert.Empty(options.ApiKeys);
    }

    [Fact]
    public void Should_find_a_key_by_its_value_and_nothing_for_a_near_miss()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Security:ApiKeys:a:Hash"] = ApiKeyRing.HashOf("test-only-key-a"),
            ["Security:ApiKeys:a:Roles:0"] = "read",
            ["Security:ApiKeys:b:Hash"] = ApiKeyRing.HashOf("test-only-key-b"),
            ["Security:ApiKeys:b:Roles:0"] = "operate",
        };
        using var provider = Provider(settings);
        var ring = provider.GetRequiredService<ApiKeyRing>();

        Assert.Equal("b", ring.Find("test-only-key-b")?.Name);
        Assert.Equal(["operate"], ring.Find("test-only-key-b")!.Roles);
        Assert.Null(ring.Find("test-only-key-c"));
        Assert.Null(ring.Find(""));
    }

    private static SecurityOptions Resolve(Dictionary<string, string?> settings)
    {
        using var provider = Provider(settings);
        return provider.GetRequiredService<IOptions<SecurityOptions>>().Value;
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        services.AddValidatedOptions<SecurityOptions>(SecurityOptions.Section);
        services.AddSingleton<ApiKeyRing>();
        return services.BuildServiceProvider();
    }
}
