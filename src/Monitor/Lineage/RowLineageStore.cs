using System.Globalization;
using ClayBus.Contracts.Delivery;
using ClayBus.Monitor.Callbacks;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Lineage;

/// <summary>Where a row went, in <c>row:{claybus_row_id}</c> (the callback ledger adds the callback's outcome to the same hash).</summary>
public sealed class RowLineageStore(RedisKeyspace redis, IOptions<CallbackOptions> options)
{
    public async Task Delivered(BatchDelivered delivered)
    {
        var retention = options.Value.RowRetention;
        var sentAt = delivered.DeliveredAt.ToString("O", CultureInfo.InvariantCulture);
        var perRow = delivered.SentRowIds.Count == 0 ? 0 : delivered.CreditsReserved / delivered.SentRowIds.Count;
        var batch = redis.Database.CreateBatch();
        var writes = new List<Task>();
        foreach (var rowId in delivered.SentRowIds)
        {
            writes.Add(batch.HashSetAsync(CallbackLedger.RowKey(rowId), Where(delivered,
                new HashEntry("sentAt", sentAt),
                new HashEntry("creditsReserved", perRow.ToString(CultureInfo.InvariantCulture)))));
            writes.Add(batch.KeyExpireAsync(CallbackLedger.RowKey(rowId), retention));
        }

        // Skipped rows were sent by an earlier delivery of the batch: keep that one's time if it was recorded.
        foreach (var rowId in delivered.SkippedRowIds)
        {
            writes.Add(batch.HashSetAsync(CallbackLedger.RowKey(rowId), Where(delivered)));
            writes.Add(batch.HashSetAsync(CallbackLedger.RowKey(rowId), "sentAt", sentAt, When.NotExists));
            writes.Add(batch.KeyExpireAsync(CallbackLedger.RowKey(rowId), retention));
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
            writes.Add(write.HashSetAsync(CallbackLedger.RowKey(row.RowId),
            [
                new HashEntry("job", batch.JobId.ToString()),
                new HashEntry("table", batch.TableKey),
                new HashEntry("batch", batch.BatchId.ToString()),
                new HashEntry("deadLetteredAt", at.ToString("O", CultureInfo.InvariantCulture)),
                new HashEntry("deadLetterReason", reason),
            ]));
            writes.Add(write.KeyExpireAsync(CallbackLedger.RowKey(row.RowId), options.Value.RowRetention));
        }

        write.Execute();
        await Task.WhenAll(writes);
        return first;
    }

    public async Task<IReadOnlyDictionary<string, string>?> Read(string rowId)
    {
        var entries = await redis.Database.HashGetAllAsync(CallbackLedger.RowKey(rowId));
        return entries.Length == 0 ? null : entries.ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!);
    }

    private static HashEntry[] Where(BatchDelivered delivered, params HashEntry[] more) =>
    [
        new("job", delivered.JobId.ToString()),
        new("table", delivered.TableKey),
        new("batch", delivered.BatchId.ToString()),
        new("webhook", delivered.Webhook),
        .. more,
    ];
}
