using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Status;

/// <summary>
/// The job ids the status API lists, newest first: <c>status:jobs</c>, a sorted set by the first time the job was
/// seen (a batch can be delivered before JobSubmitted arrives), capped at <see cref="Capacity"/> entries.
/// The jobs themselves are read from the saga repository.
/// </summary>
public sealed class JobIndex(RedisKeyspace redis)
{
    public const int Capacity = 10_000;
    private const string Key = "status:jobs";

    public async Task AddAsync(Guid jobId, DateTimeOffset seenAt)
    {
        // NX: the first sighting decides the order, later events do not move a job to the top.
        await redis.Database.SortedSetAddAsync(Key, jobId.ToString("N"), seenAt.ToUnixTimeMilliseconds(), StackExchange.Redis.SortedSetWhen.NotExists);
        await redis.Database.SortedSetRemoveRangeByRankAsync(Key, 0, -Capacity - 1);
    }

    public async Task<IReadOnlyList<Guid>> NewestAsync(int take) =>
        (await redis.Database.SortedSetRangeByRankAsync(Key, 0, take - 1, StackExchange.Redis.Order.Descending))
            .Select(value => Guid.ParseExact(value.ToString(), "N"))
            .ToList();
}
