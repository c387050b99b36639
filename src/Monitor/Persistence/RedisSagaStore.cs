using System.Diagnostics.Metrics;
using System.Text.Json;
using ClayBus.ServiceDefaults.Redis;
using MassTransit;

namespace ClayBus.Monitor.Persistence;

/// <summary>
/// One saga instance per Redis hash (<c>v</c> = version, <c>d</c> = JSON). Writes compare-and-set the version in
/// Lua, so two processes updating the same instance cannot both win: the loser gets <see cref="ConcurrencyException"/>
/// and the endpoint's retry replays the message against the fresh instance.
/// </summary>
public sealed class RedisSagaStore<TSaga>(RedisKeyspace redis, RedisSagaRepositoryOptions<TSaga> options, IMeterFactory meters)
    where TSaga : class, ISagaVersion
{
    /// <summary>Meter <c>ClayBus.Monitor</c>: lost compare-and-set races (each becomes a retry of the message).</summary>
    public const string ConflictsInstrument = "claybus.saga.conflicts";

    // ARGV: expected version ('' = must not exist), new version, json, ttl in ms (0 = keep forever).
    private const string CompareAndSetScript = """
        local current = redis.call('HGET', KEYS[1], 'v')
        if ARGV[1] == '' then
          if current then return 0 end
        elseif current ~= ARGV[1] then
          return 0
        end
        redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
        if ARGV[4] ~= '0' then
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
        else
          redis.call('PERSIST', KEYS[1])
        end
        return 1
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Counter<long> _conflicts = meters.Create("ClayBus.Monitor").CreateCounter<long>(ConflictsInstrument, "{conflict}", "Saga writes that lost a version race and were retried");

    public async Task<TSaga?> Load(Guid correlationId)
    {
        var json = await redis.Database.HashGetAsync(options.KeyFor(correlationId), "d");
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<TSaga>((string)json!, Json);
    }

    /// <summary>Stores a new instance; fails if another process created it first (its message then retries as an update).</summary>
    public Task Insert(TSaga instance)
    {
        instance.Version = 1;
        return CompareAndSet(instance, expected: "");
    }

    public Task Update(TSaga instance)
    {
        var expected = instance.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        instance.Version++;
        return CompareAndSet(instance, expected);
    }

    public Task Delete(Guid correlationId) => redis.Database.KeyDeleteAsync(options.KeyFor(correlationId));

    private async Task CompareAndSet(TSaga instance, string expected)
    {
        var ttl = options.FinishedExpiry is { } expiry && options.IsFinished(instance) ? (long)expiry.TotalMilliseconds : 0;
        var written = (int)await redis.Database.ScriptEvaluateAsync(
            CompareAndSetScript,
            [options.KeyFor(instance.CorrelationId)],
            [expected, instance.Version, JsonSerializer.Serialize(instance, Json), ttl]);
        if (written == 0)
        {
            _conflicts.Add(1, new KeyValuePair<string, object?>("saga", typeof(TSaga).Name));
            throw new ConcurrencyException(
                expected.Length == 0 ? "Saga instance already exists" : "Saga version conflict",
                typeof(TSaga),
                instance.CorrelationId);
        }

        if (!await redis.ReplicatedAsync())
        {
            // The message is acked after this write: a failover before a replica holds it would lose the event. The
            // retry re-applies it, which the machine counts once (DeliveredBatches and the like).
            throw new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect, StackExchange.Redis.CommandFlags.None, "no Redis replica acknowledged the saga update (Redis:ReplicasToAcknowledge)", null, StackExchange.Redis.CommandStatus.Unknown);
        }
    }
}
