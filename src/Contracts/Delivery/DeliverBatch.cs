using ClayBus.Contracts.Submission;

namespace ClayBus.Contracts.Delivery;

/// <summary>
/// Deliver one batch of rows to a Clay table's webhook.
/// Published by the Submitter with the AMQP priority of <see cref="Priority"/>; consumed by the Enricher on the
/// classic priority queue <c>deliver-batch</c>. A batch holds at most 50 rows (configurable) and at most 90 KB of
/// records. Its <c>Fault&lt;DeliverBatch&gt;</c> (dead letter) is consumed by the job saga.
/// </summary>
/// <param name="EstimatedCredits">Rows × the table's credits-per-row estimate: what the Enricher reserves.</param>
/// <param name="Source">Where the job came from, for lineage: the API key's name, or the source a message named.</param>
/// <param name="FileName">The uploaded CSV's file name, when the caller gave one.</param>
public record DeliverBatch(
    Guid JobId,
    Guid BatchId,
    string TableKey,
    JobPriority Priority,
    IReadOnlyList<BatchRow> Rows,
    decimal EstimatedCredits,
    DateTimeOffset CreatedAt,
    string? Source = null,
    string? FileName = null);
