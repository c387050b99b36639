using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StackExchange.Redis.KeyspaceIsolation;

namespace ClayBus.ServiceDefaults.Redis;

/// <summary>
/// The one Redis database of a ClayBus process, with <see cref="RedisOptions.KeyPrefix"/> applied to every key
/// (including the KEYS of Lua scripts), so features name their keys without knowing the deployment's prefix.
/// </summary>
public sealed class RedisKeyspace
{
    private readonly IConnectionMultiplexer _connection;
    private readonly IOptions<RedisOptions> _options;
    private long _connectionChanges;

    public RedisKeyspace(IConnectionMultiplexer connection, IOptions<RedisOptions> options)
    {
        _connection = connection;
        _options = options;
        // A lost or re-pointed connection may have carried writes to a primary that is gone: see ReplicatedAsync.
        connection.ConnectionFailed += (_, _) => Interlocked.Increment(ref _connectionChanges);
        connection.ConnectionRestored += (_, _) => Interlocked.Increment(ref _connectionChanges);
        connection.ConfigurationChanged += (_, _) => Interlocked.Increment(ref _connectionChanges);
    }

    public IConnectionMultiplexer Connection => _connection;

    public string Prefix => _options.Value.KeyPrefix;

    public IDatabase Database => _connection.GetDatabase(_options.Value.Database).WithKeyPrefix(_options.Value.KeyPrefix);

    /// <summary>A point before writes whose durability <see cref="ReplicatedAsync"/> is asked about.</summary>
    public RedisWriteMark MarkWrites() => new(Interlocked.Read(ref _connectionChanges));

    /// <summary>
    /// Whether <see cref="RedisOptions.ReplicasToAcknowledge"/> replicas hold every write this process made since
    /// <paramref name="since"/> (Redis's WAIT on the multiplexer's one interactive connection, which carried them all).
    /// Called after a write that guards money or duplicates and before acting on it, so a failover cannot take that
    /// write away. A connection lost or re-pointed since the mark answers false: the client queues a WAIT issued while
    /// disconnected and sends it to the promoted replica, which has no write of this connection to wait for and
    /// answers at once with its replica count, while the writes died with the old primary.
    /// </summary>
    public async Task<bool> ReplicatedAsync(RedisWriteMark since)
    {
        var o = _options.Value;
        if (o.ReplicasToAcknowledge == 0)
        {
            return true;
        }

        try
        {
            var acknowledged = (long)await _connection.GetDatabase(o.Database).ExecuteAsync("WAIT", o.ReplicasToAcknowledge, o.ReplicaAcknowledgeTimeoutMs);
            return acknowledged >= o.ReplicasToAcknowledge && Interlocked.Read(ref _connectionChanges) == since.ConnectionChanges;
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith(RedisRefusal.WaitOnReplica, StringComparison.Ordinal))
        {
            // A failover demoted the node that took the writes: nothing proves a replica holds them.
            return false;
        }
    }
}

/// <summary>How many connection losses and re-configurations the process had seen when its writes began.</summary>
public readonly record struct RedisWriteMark(long ConnectionChanges);
