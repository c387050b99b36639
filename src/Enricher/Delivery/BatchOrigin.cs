using ClayBus.Contracts.Delivery;

namespace ClayBus.Enricher.Delivery;

/// <summary>Where a batch's rows came from, passed on to the Monitor's lineage with every delivery notice.</summary>
public static class BatchOrigin
{
    /// <summary>The input row number of each of <paramref name="rowIds"/>, by row id.</summary>
    public static IReadOnlyDictionary<string, int> RowNumbers(DeliverBatch batch, IEnumerable<string> rowIds)
    {
        var wanted = rowIds.ToHashSet(StringComparer.Ordinal);
        return batch.Rows.Where(row => wanted.Contains(row.RowId)).ToDictionary(row => row.RowId, row => row.RowNumber, StringComparer.Ordinal);
    }

    public static RowsSentUnconfirmed Unconfirmed(DeliverBatch batch, IReadOnlyList<string> rowIds, string webhook, DateTimeOffset at) =>
        new(batch.JobId, batch.BatchId, batch.TableKey, rowIds, webhook, at, batch.Source, batch.FileName, RowNumbers(batch, rowIds));
}
