using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace ClayBus.ServiceDefaults.Redis;

/// <summary>
/// The one Redis database of a ClayBus process, with <see cref="RedisOptions.KeyPrefix"/> applied to every key
/// (including the KEYS of Lua scripts), so features name their keys without knowing the deployment's prefix.
/// </summary>
public sealed class RedisKeyspace(IConnectionMultiplexer connection, IOptions<RedisOptions> options)
{
    public IConnectionMultiplexer Connection => connection;

    public string Prefix => options.Value.KeyPrefix;

    public IDatabase Database => connection.GetDatabase(options.Value.Database).WithKeyPrefix(options.Value.KeyPrefix);
}
