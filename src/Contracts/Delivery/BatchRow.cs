using System.Text.Json;

namespace ClayBus.Contracts.Delivery;

/// <summary>
/// One normalised lead inside a <see cref="DeliverBatch"/>. The Enricher sends <see cref="Fields"/> to Clay with
/// <c>claybus_row_id</c>, <c>claybus_job_id</c> and <c>claybus_trace</c> added.
/// </summary>
/// <param name="RowId">The stable <c>claybus_row_id</c>: a hash of the normalised identity within the table.</param>
/// <param name="RowNumber">1-based row number in the job's input, for reports.</param>
public record BatchRow(string RowId, int RowNumber, IReadOnlyDictionary<string, JsonElement> Fields);
