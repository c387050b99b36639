using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Submitter.Admission;

/// <summary>
/// A job's batches put aside in Redis under <c>reject</c> and <c>hold</c> while it is not yet known to fit today's
/// budget (past <see cref="AdmissionOptions.MaxBufferedBatches"/> in memory), so a job of any size is admitted whole
/// or not at all. The list expires: a Submitter that dies mid-job never answered 202, and the caller's retry claims
/// the rows again.
/// </summary>
public sealed class StagedBatches(RedisKeyspace redis)
{
    private const int ReadChunk = 200;
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(1);

    public async Task StageAsync(Guid jobId, IReadOnlyList<DeliverBatch> batches)
    {
        if (batches.Count == 0)
        {
            return;
        }

        var values = batches.Select(batch => (RedisValue)JsonSerializer.SerializeToUtf8Bytes(batch)).ToArray();
        var database = redis.Database;
        await database.ListRightPushAsync(KeyOf(jobId), values);
        await database.KeyExpireAsync(KeyOf(jobId), Lifetime);
    }

    /// <summary>Hands the staged batches over in order, a chunk at a time, then forgets them.</summary>
    public async Task DrainAsync(Guid jobId, Func<IReadOnlyList<DeliverBatch>, Task> apply)
    {
        var database = redis.Database;
        for (long start = 0; ; start += ReadChunk)
        {
            var values = await database.ListRangeAsync(KeyOf(jobId), start, start + ReadChunk - 1);
            if (values.Length == 0)
            {
                break;
            }

            await apply(values.Select(Read).ToList());
        }

        await database.KeyDeleteAsync(KeyOf(jobId));
    }

    internal static RedisKey KeyOf(Guid jobId) => $"submitter:staged:{jobId:N}";

    private static DeliverBatch Read(RedisValue value) =>
        JsonSerializer.Deserialize<DeliverBatch>((byte[])value!) ?? throw new InvalidDataException("a staged batch is empty");
}
