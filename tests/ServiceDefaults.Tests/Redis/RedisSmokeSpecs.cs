using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClayBus.ServiceDefaults.Tests.Redis;

[Trait("Category", "Integration")]
public class RedisSmokeSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_write_and_read_under_the_configured_prefix()
    {
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in infrastructure.Settings)
        {
            builder.Configuration[key] = value;
        }

        builder.AddClayBusRedis();
        using var host = builder.Build();
        var keyspace = host.Services.GetRequiredService<RedisKeyspace>();

        await keyspace.Database.StringSetAsync("smoke", "value");

        Assert.Equal("value", (string?)await keyspace.Database.StringGetAsync("smoke"));
        Assert.Equal("value", (string?)await infrastructure.Redis.Database.StringGetAsync(infrastructure.Redis.Prefix + "smoke"));
    }
}
