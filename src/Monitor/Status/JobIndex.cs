using System.Globalization;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Persistence;
using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Monitor.Status;

/// <summary>
/// The job ids the status API lists, newest first: <c>status:jobs</c>, a sorted set by the first time the job was
/// seen (a batch can be delivered before JobSubmitted arrives). An entry stays while its saga exists (a stuck job
/// never drops out); entries whose saga expired are swept a sample at a time as new jobs arrive, which keeps the
/// index within a few percent of the sagas stored. The jobs themselves are read from the saga repository.
/// </summary>
public sealed class JobIndex(RedisKeyspace redis, RedisSagaStore<JobState> sagas, TimeProvider clock)
{
    /// <summary>Entries checked per new job; at equilibrium about one in this many entries is stale.</summary>
    public const int SweepSample = 16;

    /// <summary>An entry younger than this is never swept: its saga may not be written yet (another queue).</summary>
    public static readonly TimeSpan SweepGrace = TimeSpan.FromHours(1);

    private const string Key = "status:jobs";

    public async Task AddAsync(Guid jobId, DateTimeOffset seenAt)
    {
        // NX: the first sighting decides the order, later events do not move a job to the top.
        if (await redis.Database.SortedSetAddAsync(Key, jobId.ToString("N"), seenAt.ToUnixTimeMilliseconds(), SortedSetWhen.NotExists))
        {
            await SweepAsync();
        }
    }

    /// <summary>Up to <paramref name="count"/> entries after <paramref name="after"/> (null: from the newest), newest first.</summary>
    public async Task<IReadOnlyList<JobCursor>> PageAsync(JobCursor? after, int count)
    {
        var page = new List<JobCursor>(count);
        var skip = 0;
        while (page.Count < count)
        {
            // Ties (same millisecond) come in descending id order: skip those at or before the cursor's id.
            var entries = await redis.Database.SortedSetRangeByScoreWithScoresAsync(
                Key, double.NegativeInfinity, after?.SeenAt ?? double.PositiveInfinity, Exclude.None, Order.Descending, skip, count);
            foreach (var entry in entries)
            {
                var cursor = new JobCursor((long)entry.Score, Guid.ParseExact(entry.Element.ToString(), "N"));
                if (after is null || cursor.SeenAt < after.SeenAt || string.CompareOrdinal(cursor.JobId.ToString("N"), after.JobId.ToString("N")) < 0)
                {
                    page.Add(cursor);
                    if (page.Count == count)
                    {
                        break;
                    }
                }
            }

            if (entries.Length < count)
            {
                break;
            }

            skip += entries.Length;
        }

        return page;
    }

    private async Task SweepAsync()
    {
        var sample = await redis.Database.SortedSetRandomMembersWithScoresAsync(Key, SweepSample);
        var settled = clock.GetUtcNow().Add(-SweepGrace).ToUnixTimeMilliseconds();
        var old = sample.Where(entry => entry.Score < settled).Select(entry => Guid.ParseExact(entry.Element.ToString(), "N")).ToList();
        if (old.Count == 0)
        {
            return;
        }

        var exists = await sagas.ExistMany(old);
        var gone = old.Where((_, index) => !exists[index]).Select(id => (RedisValue)id.ToString("N")).ToArray();
        if (gone.Length > 0)
        {
            await redis.Database.SortedSetRemoveAsync(Key, gone);
        }
    }
}

/// <summary>A position in the job index: where the next page starts (exclusive). Text form <c>&lt;seenAt ms&gt;-&lt;job id&gt;</c>.</summary>
public sealed record JobCursor(long SeenAt, Guid JobId)
{
    public override string ToString() => SeenAt.ToString(CultureInfo.InvariantCulture) + "-" + JobId.ToString("N");

    public static bool TryParse(string? text, out JobCursor? cursor)
    {
        cursor = null;
        var dash = text?.IndexOf('-', StringComparison.Ordinal) ?? -1;
        if (dash <= 0
            || !long.TryParse(text.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var seenAt)
            || !Guid.TryParseExact(text.AsSpan(dash + 1), "N", out var jobId))
        {
            return false;
        }

        cursor = new JobCursor(seenAt, jobId);
        return true;
    }
}
