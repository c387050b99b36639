using System.Globalization;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Status;

/// <summary>One fault as the index records it: where it failed, why (normalised), and what it carried.</summary>
public sealed record DeadLetterFault(Guid FaultId, string Queue, string ExceptionType, string Cause, DateTimeOffset At, string? Table, string? Job, string? MessageId);

/// <summary>A group as indexed: counts per table and job (capped, the rest under "(other)") and a sample of message ids.</summary>
public sealed record IndexedGroup(
    string Id,
    string Queue,
    string ExceptionType,
    string Cause,
    long Count,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset LastFailedAt,
    IReadOnlyDictionary<string, long> Tables,
    IReadOnlyDictionary<string, long> Jobs,
    IReadOnlyList<string> SampleMessageIds);

/// <summary>
/// The dead-letter index in Redis, fed by MassTransit's <c>Fault&lt;T&gt;</c> events, so the view never reads the
/// queues: <c>dead-letters:index:group:{id}</c> (hash: queue, type, cause, first, last, count, <c>t:{table}</c>,
/// <c>j:{job}</c>), <c>…:samples</c> (newest message ids), <c>dead-letters:index:queue:{queue}</c> (group ids),
/// <c>dead-letters:index:queues</c>, and <c>dead-letters:index:seen:{faultId}</c> so a redelivered fault counts once.
/// Every key expires <c>Status:DeadLetterRetentionDays</c> after the latest fault that touched it.
/// </summary>
public sealed class DeadLetterIndexStore(RedisKeyspace redis, IOptions<StatusOptions> options)
{
    public const int DistinctCap = 50;
    public const int SampleSize = 20;
    private const string Prefix = "dead-letters:index:";
    private const string Other = "(other)";

    private static RedisKey Queues => Prefix + "queues";

    private long Ttl => (long)TimeSpan.FromDays(options.Value.DeadLetterRetentionDays).TotalSeconds;

    /// <returns>False when this fault was already recorded (a redelivered event).</returns>
    public async Task<bool> RecordAsync(DeadLetterFault fault)
    {
        var id = DeadLetterGrouping.GroupId(fault.Queue, fault.ExceptionType, fault.Cause);
        return (int)await DeadLetterIndexStoreScripts.Record.EvaluateAsync(
            redis.Database,
            [
                ("seen_key", Prefix + "seen:" + fault.FaultId.ToString("N")), ("group_key", GroupKey(id)), ("samples_key", SamplesKey(id)),
                ("queue_groups_key", QueueKey(fault.Queue)), ("queues_key", Queues),
            ],
            [
                ("id", id), ("queue", fault.Queue), ("type_name", fault.ExceptionType), ("cause", fault.Cause),
                ("at", fault.At.ToUnixTimeMilliseconds()), ("table_name", fault.Table ?? ""), ("job", fault.Job ?? ""),
                ("message_id", fault.MessageId ?? ""), ("other", Other), ("given_cap", DistinctCap), ("sample_size", SampleSize), ("ttl", Ttl),
            ]) == 1;
    }

    /// <summary>Every indexed group of <paramref name="queue"/>.</summary>
    public async Task<IReadOnlyList<IndexedGroup>> GroupsAsync(string queue)
    {
        var groups = new List<IndexedGroup>();
        foreach (var member in await redis.Database.SetMembersAsync(QueueKey(queue)))
        {
            var id = member.ToString();
            var fields = (await redis.Database.HashGetAllAsync(GroupKey(id))).ToDictionary(entry => entry.Name.ToString(), entry => entry.Value.ToString(), StringComparer.Ordinal);
            if (!fields.TryGetValue("count", out var count))
            {
                continue;
            }

            var samples = await redis.Database.ListRangeAsync(SamplesKey(id));
            groups.Add(new IndexedGroup(
                id,
                fields.GetValueOrDefault("queue", queue),
                fields.GetValueOrDefault("type", "unknown"),
                fields.GetValueOrDefault("cause", ""),
                long.Parse(count, CultureInfo.InvariantCulture),
                At(fields.GetValueOrDefault("first")),
                At(fields.GetValueOrDefault("last")),
                Counters(fields, "t:"),
                Counters(fields, "j:"),
                samples.Select(sample => sample.ToString()).ToList()));
        }

        return groups;
    }

    /// <summary>
    /// Drops the groups of a queue that is empty now (requeued or purged), except those with a fault in the last
    /// <paramref name="grace"/>: a fault can be indexed a moment before its message lands in the queue.
    /// </summary>
    public async Task ForgetEmptiedAsync(string queue, DateTimeOffset now, TimeSpan grace)
    {
        foreach (var group in await GroupsAsync(queue))
        {
            if (group.LastFailedAt < now - grace)
            {
                await ForgetAsync(queue, group.Id);
            }
        }
    }

    /// <summary>Drops one group (a paced requeue moved all its messages); new faults of it start it again.</summary>
    public async Task ForgetAsync(string queue, string groupId)
    {
        var transaction = redis.Database.CreateTransaction();
        _ = transaction.KeyDeleteAsync([GroupKey(groupId), SamplesKey(groupId)]);
        _ = transaction.SetRemoveAsync(QueueKey(queue), groupId);
        await transaction.ExecuteAsync();
    }

    private static Dictionary<string, long> Counters(Dictionary<string, string> fields, string prefix) =>
        fields.Where(field => field.Key.StartsWith(prefix, StringComparison.Ordinal))
            .ToDictionary(field => field.Key[prefix.Length..], field => long.Parse(field.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private static DateTimeOffset At(string? unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.TryParse(unixMs, CultureInfo.InvariantCulture, out var ms) ? ms : 0);

    private static RedisKey GroupKey(string id) => Prefix + "group:" + id;

    private static RedisKey SamplesKey(string id) => Prefix + "group:" + id + ":samples";

    private static RedisKey QueueKey(string queue) => Prefix + "queue:" + queue;
}
