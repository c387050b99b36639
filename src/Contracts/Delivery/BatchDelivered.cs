namespace ClayBus.Contracts.Delivery;

/// <summary>
/// A batch reached Clay (every row either sent now or found already sent by an earlier delivery).
/// Published by the Enricher; consumed by the job saga (progress, lineage) and the Monitor's webhook view.
/// </summary>
/// <param name="SentRowIds">The rows sent by this delivery.</param>
/// <param name="SkippedRowIds">Rows skipped because an earlier delivery of the batch already sent them.</param>
/// <param name="Webhook">The webhook used, masked to its last 6 characters.</param>
/// <param name="WebhookRecordsUsed">The webhook's lifetime record count after this delivery.</param>
/// <param name="WebhookRecordsCap">The webhook's lifetime cap; <c>null</c> for an uncapped (auto-delete) table.</param>
/// <param name="CreditsReserved">Credits reserved for the rows sent (the estimate, settled later to actual).</param>
/// <param name="Source">The batch's <see cref="DeliverBatch.Source"/>, passed on for lineage.</param>
/// <param name="FileName">The batch's <see cref="DeliverBatch.FileName"/>, passed on for lineage.</param>
/// <param name="RowNumbers">Each row's number in the job's input (<see cref="BatchRow.RowNumber"/>), by row id.</param>
public record BatchDelivered(
    Guid JobId,
    Guid BatchId,
    string TableKey,
    IReadOnlyList<string> SentRowIds,
    IReadOnlyList<string> SkippedRowIds,
    string Webhook,
    long WebhookRecordsUsed,
    long? WebhookRecordsCap,
    decimal CreditsReserved,
    DateTimeOffset DeliveredAt,
    string? Source = null,
    string? FileName = null,
    IReadOnlyDictionary<string, int>? RowNumbers = null);
