using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Monitor.Jobs;

namespace ClayBus.Monitor.Tests.Jobs;

/// <summary>Messages of one job, as the Submitter, the Enricher and the progress aggregator send them.</summary>
public sealed class JobMessages(Guid jobId, string table = "people", int rows = 4, int rowsPerBatch = 2)
{
    public Guid JobId => jobId;

    public string Table => table;

    public IReadOnlyList<string> RowIds { get; } = [.. Enumerable.Range(1, rows).Select(i => $"{jobId:N}-row-{i}")];

    public JobSubmitted Submitted(int held = 0, int rejected = 0, int deduplicated = 0) => new(
        jobId,
        DateTimeOffset.UtcNow,
        JobPriority.Normal,
        held > 0 ? AdmissionDecision.Split : AdmissionDecision.Admitted,
        rows + 1 + rejected + deduplicated,
        1,
        [new TableSubmission(table, rows, rejected, deduplicated, held, Batches().Count, rows * 2m)],
        [new RowRejection(3, "email", "missing")]);

    public IReadOnlyList<IReadOnlyList<string>> Batches() => [.. RowIds.Chunk(rowsPerBatch)];

    /// <param name="at">When it was delivered (now by default).</param>
    public BatchDelivered Delivered(int batch, Guid? batchId = null, long webhookUsed = 10, long? webhookCap = 50_000, DateTimeOffset? at = null) => new(
        jobId,
        batchId ?? BatchId(batch),
        table,
        Batches()[batch],
        [],
        "…abc123",
        webhookUsed,
        webhookCap,
        Batches()[batch].Count * 2m,
        at ?? DateTimeOffset.UtcNow);

    public DeliverBatch Batch(int batch) => new(
        jobId,
        BatchId(batch),
        table,
        JobPriority.Normal,
        [.. Batches()[batch].Select((row, i) => new BatchRow(row, i + 1, new Dictionary<string, System.Text.Json.JsonElement>()))],
        2m,
        DateTimeOffset.UtcNow);

    /// <param name="at">When the last callback arrived (now by default).</param>
    public JobProgressed Progress(int enriched, int noData = 0, int error = 0, decimal credits = 0, DateTimeOffset? at = null) => new(
        jobId,
        [new TableProgress(table, enriched, noData, error, credits, enriched + noData + error)],
        (at ?? DateTimeOffset.UtcNow).AddSeconds(-1),
        at ?? DateTimeOffset.UtcNow,
        at ?? DateTimeOffset.UtcNow);

    public Guid BatchId(int batch) => new(jobId.ToByteArray().Take(12).Concat(BitConverter.GetBytes(batch + 1)).ToArray());
}
