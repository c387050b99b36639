using System.Globalization;
using ClayBus.Contracts.Delivery;
using ClayBus.Monitor.Callbacks;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Lineage;

/// <summary>
/// Where a row went, in <c>row:{claybus_row_id}</c> (the callback ledger adds the callback's outcome and its mark to
/// the same hash, and the Submitter its dedupe mark): the one per-row key kept, in <see cref="RowFields"/>, for
/// <c>Callbacks:RowRetention</c>.
/// </summary>
public sealed class RowLineageStore(RedisKeyspace redis, IOptions<CallbackOptions> options)
{
    /// <summary>The Submitter's dedupe mark in the same hash (<c>RecentRows</c>).</summary>
    private const string SubmitterMark = "q";

    public async Task Delivered(BatchDelivered delivered)
    {
        var retention = options.Value.RowRetention;
        var sentAt = RowFields.Time(delivered.DeliveredAt);
        var perRow = delivered.SentRowIds.Count == 0 ? 0 : delivered.CreditsReserved / delivered.SentRowIds.Count;
        var batch = redis.Database.CreateBatch();
        var writes = new List<Task>();
        foreach (var rowId in delivered.SentRowIds)
        {
            writes.Add(batch.HashSetAsync(CallbackStore.RowKey(rowId), Where(delivered,
                new HashEntry(RowFields.SentAt, sentAt),
                new HashEntry(RowFields.CreditsReserved, perRow.ToString(CultureInfo.InvariantCulture)))));
            writes.AddRange(Keep(batch, rowId, retention));
        }

        // Skipped rows were sent by an earlier delivery of the batch: keep that one's time if it was recorded.
        foreach (var rowId in delivered.SkippedRowIds)
        {
            writes.Add(batch.HashSetAsync(CallbackStore.RowKey(rowId), Where(delivered)));
            writes.Add(batch.HashSetAsync(CallbackStore.RowKey(rowId), RowFields.SentAt, sentAt, When.NotExists));
            writes.AddRange(Keep(batch, rowId, retention));
        }

        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <returns><c>true</c> the first time this batch is recorded as dead-lettered.</returns>
    public async Task<bool> DeadLettered(DeliverBatch batch, string reason, DateTimeOffset at)
    {
        var first = await redis.Database.StringSetAsync($"dead-lettered:{batch.BatchId:N}", at.ToString("O", CultureInfo.InvariantCulture), options.Value.RowRetention, When.NotExists);
        var write = redis.Database.CreateBatch();
        var writes = new List<Task>();
        foreach (var row in batch.Rows)
        {
            writes.Add(write.HashSetAsync(CallbackStore.RowKey(row.RowId),
            [
                new HashEntry(RowFields.Job, batch.JobId.ToString("N")),
                new HashEntry(RowFields.Table, batch.TableKey),
                new HashEntry(RowFields.Batch, batch.BatchId.ToString("N")),
                new HashEntry(RowFields.DeadLetteredAt, RowFields.Time(at)),
                new HashEntry(RowFields.DeadLetterReason, reason),
            ]));
            writes.AddRange(Keep(write, row.RowId, options.Value.RowRetention));
        }

        write.Execute();
        await Task.WhenAll(writes);
        return first;
    }

    /// <returns>The row's lineage fields; <c>null</c> before its delivery or callback (the Submitter's mark alone is no lineage).</returns>
    public async Task<IReadOnlyDictionary<string, string>?> Read(string rowId)
    {
        var entries = await redis.Database.HashGetAllAsync(CallbackStore.RowKey(rowId));
        var row = entries.Where(entry => entry.Name != SubmitterMark).ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!);
        return row.Count == 0 ? null : row;
    }

    // The hash also holds the Submitter's dedupe mark, whose window may outlast the retention: the TTL is set when the
    // hash has none, and otherwise only ever lengthened.
    private static IEnumerable<Task> Keep(IBatch batch, string rowId, TimeSpan retention) =>
    [
        batch.KeyExpireAsync(CallbackStore.RowKey(rowId), retention, ExpireWhen.HasNoExpiry),
        batch.KeyExpireAsync(CallbackStore.RowKey(rowId), retention, ExpireWhen.GreaterThanCurrentExpiry),
    ];

    private static HashEntry[] Where(BatchDelivered delivered, params HashEntry[] more) =>
    [
        new(RowFields.Job, delivered.JobId.ToString("N")),
        new(RowFields.Table, delivered.TableKey),
        new(RowFields.Batch, delivered.BatchId.ToString("N")),
        new(RowFields.Webhook, delivered.Webhook),
        .. more,
    ];
}
