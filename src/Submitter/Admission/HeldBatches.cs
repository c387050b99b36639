using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Submitter.Admission;

/// <summary>
/// Batches waiting for the budget reset, durably in a Redis list (AOF on). Release moves one batch at a time to a
/// "releasing" list before publishing it and removes it only after the broker confirmed, so a crash mid-release
/// publishes a batch again (the Enricher skips rows already sent) but never loses one.
/// </summary>
public sealed class HeldBatches(RedisKeyspace redis, IOptions<AdmissionOptions> options) : IDisposable
{
    internal const string HeldKey = "submitter:held";
    internal const string ReleasingKey = "submitter:held:releasing";

    /// <summary>Held only because the ledger did not answer: retried as soon as it does (<see cref="HeldBatchRetry"/>).</summary>
    internal const string UnansweredKey = "submitter:held:unanswered";

    // The reset consumer and the held-batch retry both release: one at a time in this process.
    private readonly SemaphoreSlim _release = new(1, 1);

    public void Dispose() => _release.Dispose();

    public async Task HoldAsync(IReadOnlyList<DeliverBatch> batches, bool ledgerUnanswered = false)
    {
        if (batches.Count == 0)
        {
            return;
        }

        var cap = options.Value.MaxHeldBatches;
        var pushed = (long)await HeldBatchesScripts.Hold.EvaluateAsync(
            redis.Database,
            [("list", ledgerUnanswered ? UnansweredKey : HeldKey), ("held", HeldKey), ("unanswered", UnansweredKey)],
            [("cap", cap)],
            restArgs: batches.Select(batch => (RedisValue)JsonSerializer.SerializeToUtf8Bytes(batch)));
        if (pushed < 0)
        {
            throw new HeldBatchesFullException(cap, -1 - pushed, batches.Count);
        }
    }

    public Task<long> UnansweredCountAsync() => redis.Database.ListLengthAsync(UnansweredKey);

    /// <summary>
    /// The ledger answers again: batches held only for its silence go out if <paramref name="remaining"/> covers all
    /// of them; otherwise they join the batches held for the budget reset, as if the ledger had answered at once
    /// (whole, so that no policy is turned into another).
    /// </summary>
    public async Task<IReadOnlyList<DeliverBatch>> ReleaseUnansweredAsync(decimal remaining, Func<DeliverBatch, Task> publish)
    {
        await _release.WaitAsync();
        try
        {
            var database = redis.Database;
            var waiting = (await database.ListRangeAsync(UnansweredKey)).Select(Read).ToList();
            if (waiting.Sum(batch => batch.EstimatedCredits) > remaining)
            {
                while (!(await database.ListMoveAsync(UnansweredKey, HeldKey, ListSide.Left, ListSide.Right)).IsNull)
                {
                }

                return [];
            }

            var released = new List<DeliverBatch>();
            while (await database.ListMoveAsync(UnansweredKey, ReleasingKey, ListSide.Left, ListSide.Right) is { IsNull: false } next)
            {
                var batch = Read(next);
                await publish(batch);
                await database.ListRemoveAsync(ReleasingKey, next, 1);
                released.Add(batch);
            }

            return released;
        }
        finally
        {
            _release.Release();
        }
    }

    public Task<long> CountAsync() => redis.Database.ListLengthAsync(HeldKey);

    /// <summary>
    /// Publishes held batches in order until <paramref name="creditLimit"/> would be passed (at least one goes, so a
    /// batch larger than a day's budget cannot block the line forever); the rest stays held for the next reset.
    /// </summary>
    public async Task<IReadOnlyList<DeliverBatch>> ReleaseAsync(decimal creditLimit, Func<DeliverBatch, Task> publish)
    {
        await _release.WaitAsync();
        try
        {
            return await ReleaseInOrderAsync(creditLimit, publish);
        }
        finally
        {
            _release.Release();
        }
    }

    private async Task<IReadOnlyList<DeliverBatch>> ReleaseInOrderAsync(decimal creditLimit, Func<DeliverBatch, Task> publish)
    {
        var database = redis.Database;
        var released = new List<DeliverBatch>();
        decimal credits = 0;

        // Leftovers of a release that crashed after moving and before removing: they were already admitted.
        while (await database.ListGetByIndexAsync(ReleasingKey, 0) is { IsNull: false } leftover)
        {
            var batch = Read(leftover);
            await publish(batch);
            await database.ListRemoveAsync(ReleasingKey, leftover, 1);
            released.Add(batch);
            credits += batch.EstimatedCredits;
        }

        while (true)
        {
            var next = await database.ListMoveAsync(HeldKey, ReleasingKey, ListSide.Left, ListSide.Right);
            if (next.IsNull)
            {
                break;
            }

            var batch = Read(next);
            if (released.Count > 0 && credits + batch.EstimatedCredits > creditLimit)
            {
                await database.ListMoveAsync(ReleasingKey, HeldKey, ListSide.Right, ListSide.Left);
                break;
            }

            await publish(batch);
            await database.ListRemoveAsync(ReleasingKey, next, 1);
            released.Add(batch);
            credits += batch.EstimatedCredits;
        }

        return released;
    }

    private static DeliverBatch Read(RedisValue value) =>
        JsonSerializer.Deserialize<DeliverBatch>((byte[])value!) ?? throw new InvalidDataException("a held batch is empty");
}

/// <summary>Holding these batches would pass <see cref="AdmissionOptions.MaxHeldBatches"/>: none of them was held, and the job fails.</summary>
public sealed class HeldBatchesFullException(int cap, long waiting, int batches)
    : Exception($"{batches:N0} batches must wait for the budget reset but {waiting:N0} already wait and the cap is {cap:N0} (Admission:MaxHeldBatches): they were not held and the job is not accepted; resubmit it with the same idempotency key after the budget reset (rows already published or held are skipped), or raise the cap")
{
    public int Cap { get; } = cap;
}
