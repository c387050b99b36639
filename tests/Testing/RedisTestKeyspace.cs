using StackExchange.Redis;

namespace ClayBus.Testing;

/// <summary>A Redis key prefix of its own for one test class; every key under it is deleted after.</summary>
public sealed class RedisTestKeyspace : IAsyncDisposable
{
    private RedisTestKeyspace(ConnectionMultiplexer connection, string prefix)
    {
        Connection = connection;
        Prefix = prefix;
    }

    public ConnectionMultiplexer Connection { get; }

    public string Prefix { get; }

    /// <summary>The raw database: keys here are NOT prefixed; prepend <see cref="Prefix"/> to read what a service wrote.</summary>
    public IDatabase Database => Connection.GetDatabase();

    /// <param name="endpoints">A StackExchange.Redis configuration; the default Redis of infra.sh when null.</param>
    public static async Task<RedisTestKeyspace> CreateAsync(string purpose, string? endpoints = null)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync((endpoints ?? TestInfrastructure.RedisEndpoints) + ",allowAdmin=true");
        return new RedisTestKeyspace(connection, $"test-{purpose}-{Guid.NewGuid():N}:");
    }

    public async Task DeleteAllKeysAsync()
    {
        foreach (var endpoint in Connection.GetEndPoints())
        {
            var server = Connection.GetServer(endpoint);
            if (server.IsReplica || !server.IsConnected)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: Prefix + "*", pageSize: 1000))
            {
                await Database.KeyDeleteAsync(key);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DeleteAllKeysAsync();
        }
        finally
        {
            await Connection.DisposeAsync();
        }
    }
}
