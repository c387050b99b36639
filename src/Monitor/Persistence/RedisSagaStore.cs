using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using ClayBus.ServiceDefaults.Redis;
using MassTransit;
using StackExchange.Redis;

namespace ClayBus.Monitor.Persistence;

/// <summary>
/// One saga instance per Redis hash (<c>v</c> = version, <c>d</c> = JSON), and for <see cref="ISagaMarks"/> sagas a
/// second hash of marks beside it. Writes compare-and-set the version in Lua, so two processes updating the same
/// instance cannot both win: the loser gets <see cref="ConcurrencyException"/> and the endpoint's retry replays the
/// message against the fresh instance. Both keys get the same expiry on every write.
/// </summary>
public sealed class RedisSagaStore<TSaga>(RedisKeyspace redis, RedisSagaRepositoryOptions<TSaga> options, IMeterFactory meters)
    where TSaga : class, ISagaVersion
{
    /// <summary>Meter <c>ClayBus.Monitor</c>: lost compare-and-set races (each becomes a retry of the message).</summary>
    public const string ConflictsInstrument = "claybus.saga.conflicts";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Counter<long> _conflicts = meters.Create("ClayBus.Monitor").CreateCounter<long>(ConflictsInstrument, "{conflict}", "Saga writes that lost a version race and were retried");

    public async Task<TSaga?> Load(Guid correlationId)
    {
        var json = await redis.Database.HashGetAsync(options.KeyFor(correlationId), "d");
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<TSaga>((string)json!, Json);
    }

    /// <summary>Loads an instance for a message, with the marks that message names (<see cref="RedisSagaRepositoryOptions{TSaga}.MarksFor"/>).</summary>
    public async Task<TSaga?> Load(Guid correlationId, object message)
    {
        var fields = options.MarksFor(message);
        if (fields.Count == 0)
        {
            var plain = await Load(correlationId);
            (plain as ISagaMarks)?.MarksLoaded(new Dictionary<string, string>());
            return plain;
        }

        var reply = await RedisSagaStoreScripts.LoadWithMarks.EvaluateAsync(
            redis.Database,
            [("instance", options.KeyFor(correlationId)), ("marks", options.MarksKeyFor(correlationId))],
            [],
            restArgs: fields.Select(field => (RedisValue)field));
        if (reply.IsNull)
        {
            return null;
        }

        var values = (RedisResult[])reply!;
        var instance = JsonSerializer.Deserialize<TSaga>((string)values[0]!, Json);
        var marks = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 0; index < fields.Count; index++)
        {
            if (!values[index + 1].IsNull)
            {
                marks[fields[index]] = (string)values[index + 1]!;
            }
        }

        (instance as ISagaMarks)?.MarksLoaded(marks);
        return instance;
    }

    /// <summary>Several instances in one round trip (pipelined), in the order asked; null where one does not exist.</summary>
    public async Task<IReadOnlyList<TSaga?>> LoadMany(IReadOnlyList<Guid> correlationIds)
    {
        var database = redis.Database;
        var reads = correlationIds.Select(id => database.HashGetAsync(options.KeyFor(id), "d")).ToList();
        await Task.WhenAll(reads);
        return [.. reads.Select(read => read.Result.IsNullOrEmpty ? null : JsonSerializer.Deserialize<TSaga>((string)read.Result!, Json))];
    }

    /// <summary>Whether each instance exists, in one round trip, in the order asked.</summary>
    public async Task<IReadOnlyList<bool>> ExistMany(IReadOnlyList<Guid> correlationIds)
    {
        var database = redis.Database;
        var checks = correlationIds.Select(id => database.KeyExistsAsync(options.KeyFor(id))).ToList();
        await Task.WhenAll(checks);
        return [.. checks.Select(check => check.Result)];
    }

    /// <summary>Stores a new instance; fails if another process created it first (its message then retries as an update).</summary>
    public Task Insert(TSaga instance)
    {
        instance.Version = 1;
        return CompareAndSet(instance, expected: "");
    }

    public Task Update(TSaga instance)
    {
        var expected = instance.Version.ToString(CultureInfo.InvariantCulture);
        instance.Version++;
        return CompareAndSet(instance, expected);
    }

    public Task Delete(Guid correlationId) =>
        redis.Database.KeyDeleteAsync([options.KeyFor(correlationId), options.MarksKeyFor(correlationId)]);

    private async Task CompareAndSet(TSaga instance, string expected)
    {
        var expiry = options.IsFinished(instance) ? options.FinishedExpiry : options.OpenExpiry;
        var ttl = expiry is { } after ? (long)after.TotalMilliseconds : 0;
        var marks = (instance as ISagaMarks)?.PendingMarks ?? new Dictionary<string, string>();
        var writes = redis.MarkWrites();
        var written = (int)await RedisSagaStoreScripts.CompareAndSet.EvaluateAsync(
            redis.Database,
            [("instance", options.KeyFor(instance.CorrelationId)), ("marks", options.MarksKeyFor(instance.CorrelationId))],
            [("expected", expected), ("version", instance.Version), ("json", JsonSerializer.Serialize(instance, Json)), ("ttl_ms", ttl)],
            restArgs: marks.SelectMany(pair => new RedisValue[] { pair.Key, pair.Value }));
        if (written == 0)
        {
            _conflicts.Add(1, new KeyValuePair<string, object?>("saga", typeof(TSaga).Name));
            throw new ConcurrencyException(
                expected.Length == 0 ? "Saga instance already exists" : "Saga version conflict",
                typeof(TSaga),
                instance.CorrelationId);
        }

        (instance as ISagaMarks)?.MarksWritten();

        if (!await redis.ReplicatedAsync(writes))
        {
            // The message is acked after this write: a failover before a replica holds it would lose the event. The
            // retry re-applies it, which the machine counts once (the batch marks and absolute progress counters).
            throw new StackExchange.Redis.RedisConnectionException(
                StackExchange.Redis.ConnectionFailureType.UnableToConnect,
                StackExchange.Redis.CommandFlags.None,
                "no Redis replica acknowledged the saga update (Redis:ReplicasToAcknowledge)",
                null,
                StackExchange.Redis.CommandStatus.Unknown);
        }
    }
}
