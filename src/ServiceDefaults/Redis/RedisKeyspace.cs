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

    /// <summary>
    /// Whether <see cref="RedisOptions.ReplicasToAcknowledge"/> replicas hold every write this process made so far
    /// (Redis's WAIT on the multiplexer's one interactive connection, which carried them all). Called after a write
    /// that guards money or duplicates and before acting on it, so a failover cannot take that write away.
    /// </summary>
    public async Task<bool> ReplicatedAsync()
    {
        var o = options.Value;
        if (o.ReplicasToAcknowledge == 0)
        {
            return true;
        }

        try
        {
            var acknowledged = (long)await connection.GetDatabase(o.Database).ExecuteAsync("WAIT", o.ReplicasToAcknowledge, o.ReplicaAcknowledgeTimeoutMs);
            return acknowledged >= o.ReplicasToAcknowledge;
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith(RedisRefusal.WaitOnReplica, StringComparison.Ordinal))
        {
            // A failover demoted the node that took the writes: nothing proves a replica holds them.
            return false;
        }
    }
}
