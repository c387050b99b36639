namespace ClayBus.Contracts.Delivery;

/// <summary>
/// Rows went to Clay in a request whose outcome is unknown (a timeout, a connection lost after the body, a 5xx), or in
/// requests of a batch that then had to stop part-way (budget, a held table): Clay may have, or has, stored them, so
/// their callbacks are genuine. Published by the Enricher at once (the batch's
/// <see cref="BatchDelivered"/> comes only when the batch is done); consumed by the Monitor's row lineage, which records
/// the delivery so those callbacks settle and prove the request instead of waiting parked.
/// </summary>
/// <param name="Source">As <see cref="BatchDelivered.Source"/>.</param>
/// <param name="FileName">As <see cref="BatchDelivered.FileName"/>.</param>
/// <param name="RowNumbers">As <see cref="BatchDelivered.RowNumbers"/>.</param>
public record RowsSentUnconfirmed(
    Guid JobId,
    Guid BatchId,
    string TableKey,
    IReadOnlyList<string> RowIds,
    string Webhook,
    DateTimeOffset At,
    string? Source = null,
    string? FileName = null,
    IReadOnlyDictionary<string, int>? RowNumbers = null);
