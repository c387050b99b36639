using System.Globalization;
using ClayBus.Contracts.Delivery;
using ClayBus.Monitor.Callbacks;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Lineage;

/// <summary>
/// Where a row went, in <c>row:{claybus_row_id}</c> (its batch, input row number, and what the callback ledger adds:
/// the callback's outcome and its mark; the Submitter adds its dedupe mark) and <c>batch:{batch}</c> (what its rows
/// share): the keys kept, in <see cref="RowFields"/>, for <c>Callbacks:RowRetention</c>.
/// </summary>
public sealed class RowLineageStore(RedisKeyspace redis, IOptions<CallbackOptions> options)
{
    /// <summary>The Submitter's dedupe mark in the same hash (<c>RecentRows</c>).</summary>
    private const string SubmitterMark = "q";

    /// <summary>Rows of an ambiguous send are announced with this stand-in until their batch names the webhook.</summary>
    private const string NoWebhook = "(batch)";

    public static RedisKey BatchKey(string batchRef) => "batch:" + batchRef;

    public async Task Delivered(BatchDelivered delivered)
    {
        var retention = options.Value.RowRetention;
        var batchRef = RowFields.BatchRef(delivered.BatchId);
        var write = redis.Database.CreateBatch();
        var writes = new List<Task>
        {
            write.HashSetAsync(BatchKey(batchRef), Shared(delivered.JobId, delivered.TableKey, delivered.Source, delivered.FileName)),
            // A batch delivered in several attempts keeps its first attempt's time, and the webhook and reservation of
            // the last attempt that sent rows (a notice of an ambiguous send names neither).
            write.HashSetAsync(BatchKey(batchRef), RowFields.SentAt, RowFields.Time(delivered.DeliveredAt), When.NotExists),
        };
        if (delivered.Webhook != NoWebhook)
        {
            writes.Add(write.HashSetAsync(BatchKey(batchRef), RowFields.Webhook, delivered.Webhook));
        }

        if (delivered.SentRowIds.Count > 0 && delivered.CreditsReserved > 0)
        {
            var perRow = delivered.CreditsReserved / delivered.SentRowIds.Count;
            writes.Add(write.HashSetAsync(BatchKey(batchRef), RowFields.CreditsReserved, perRow.ToString(CultureInfo.InvariantCulture)));
        }

        writes.AddRange(Keep(write, BatchKey(batchRef), retention));
        foreach (var rowId in delivered.SentRowIds.Concat(delivered.SkippedRowIds))
        {
            writes.Add(write.HashSetAsync(CallbackStore.RowKey(rowId), Own(batchRef, delivered.RowNumbers, rowId)));
            writes.AddRange(Keep(write, CallbackStore.RowKey(rowId), retention));
        }

        write.Execute();
        await Task.WhenAll(writes);
    }

    /// <returns><c>true</c> the first time this batch is recorded as dead-lettered.</returns>
    public async Task<bool> DeadLettered(DeliverBatch batch, string reason, DateTimeOffset at)
    {
        var retention = options.Value.RowRetention;
        var batchRef = RowFields.BatchRef(batch.BatchId);
        var first = await redis.Database.HashSetAsync(BatchKey(batchRef), RowFields.DeadLetteredAt, RowFields.Time(at), When.NotExists);
        var write = redis.Database.CreateBatch();
        var writes = new List<Task>
        {
            write.HashSetAsync(BatchKey(batchRef), [.. Shared(batch.JobId, batch.TableKey, batch.Source, batch.FileName), new HashEntry(RowFields.DeadLetterReason, reason)]),
        };
        writes.AddRange(Keep(write, BatchKey(batchRef), retention));
        var numbers = batch.Rows.ToDictionary(row => row.RowId, row => row.RowNumber, StringComparer.Ordinal);
        foreach (var row in batch.Rows)
        {
            writes.Add(write.HashSetAsync(CallbackStore.RowKey(row.RowId), Own(batchRef, numbers, row.RowId)));
            writes.AddRange(Keep(write, CallbackStore.RowKey(row.RowId), retention));
        }

        write.Execute();
        await Task.WhenAll(writes);
        return first;
    }

    /// <returns>The row's own fields; <c>null</c> before its delivery or callback (the Submitter's mark alone is no lineage).</returns>
    public async Task<IReadOnlyDictionary<string, string>?> Read(string rowId)
    {
        var entries = await redis.Database.HashGetAllAsync(CallbackStore.RowKey(rowId));
        var row = entries.Where(entry => entry.Name != SubmitterMark).ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!);
        return row.Count == 0 ? null : row;
    }

    /// <summary>The row's story, with its batch's shared fields in the split layout.</summary>
    public async Task<RowLineage?> Lineage(string rowId)
    {
        if (await Read(rowId) is not { } row)
        {
            return null;
        }

        IReadOnlyDictionary<string, string>? batch = null;
        if (RowFields.IsSplit(row))
        {
            var entries = await redis.Database.HashGetAllAsync(BatchKey(row[RowFields.Batch]));
            batch = entries.ToDictionary(entry => (string)entry.Name!, entry => (string)entry.Value!);
        }

        return RowFields.ToLineage(rowId, row, batch);
    }

    // The row hash also holds the Submitter's dedupe mark, whose window may outlast the retention: the TTL is set
    // when the hash has none, and otherwise only ever lengthened.
    private static IEnumerable<Task> Keep(IBatch batch, RedisKey key, TimeSpan retention) =>
    [
        batch.KeyExpireAsync(key, retention, ExpireWhen.HasNoExpiry),
        batch.KeyExpireAsync(key, retention, ExpireWhen.GreaterThanCurrentExpiry),
    ];

    private static HashEntry[] Shared(Guid jobId, string tableKey, string? source, string? fileName) =>
    [
        new(RowFields.Job, jobId.ToString("N")),
        new(RowFields.Table, tableKey),
        .. string.IsNullOrEmpty(source) ? [] : new[] { new HashEntry(RowFields.Source, source) },
        .. string.IsNullOrEmpty(fileName) ? [] : new[] { new HashEntry(RowFields.FileName, fileName) },
    ];

    private static HashEntry[] Own(string batchRef, IReadOnlyDictionary<string, int>? numbers, string rowId) =>
        numbers is not null && numbers.TryGetValue(rowId, out var number)
            ? [new(RowFields.Batch, batchRef), new(RowFields.RowNumber, number)]
            : [new(RowFields.Batch, batchRef)];
}
