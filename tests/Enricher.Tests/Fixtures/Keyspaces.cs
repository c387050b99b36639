using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>
/// A <see cref="RedisKeyspace"/> on a connection of its own under the test class's prefix: several of them stand for
/// several Enricher processes sharing one Redis.
/// </summary>
public static class Keyspaces
{
    public static async Task<RedisKeyspace> ConnectAsync(InfrastructureFixture infrastructure)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(TestInfrastructure.RedisEndpoints);
        return new RedisKeyspace(connection, Options.Create(new RedisOptions { KeyPrefix = infrastructure.Redis.Prefix }));
    }

    public static async Task<RedisKeyspace[]> ConnectAsync(InfrastructureFixture infrastructure, int count)
    {
        var keyspaces = new RedisKeyspace[count];
        for (var i = 0; i < count; i++)
        {
            keyspaces[i] = await ConnectAsync(infrastructure);
        }

        return keyspaces;
    }
}
