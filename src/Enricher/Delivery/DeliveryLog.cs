using ClayBus.Contracts.Delivery;

namespace ClayBus.Enricher.Delivery;

internal static partial class DeliveryLog
{
    [LoggerMessage(LogLevel.Information, "Batch {BatchId} of job {JobId} delivered to {TableKey}: {Sent} rows sent, {Skipped} already sent")]
    public static partial void Delivered(this ILogger logger, Guid batchId, Guid jobId, string tableKey, int sent, int skipped);

    [LoggerMessage(LogLevel.Information, "Batch {BatchId} of cancelled job {JobId} skipped ({Rows} rows)")]
    public static partial void SkippedCancelled(this ILogger logger, Guid batchId, Guid jobId, int rows);

    [LoggerMessage(LogLevel.Information, "Batch {BatchId} of job {JobId} went back to the queue")]
    public static partial void Deferred(this ILogger logger, Guid batchId, Guid jobId);

    [LoggerMessage(LogLevel.Warning, "Batch {BatchId} waits: {Reason}")]
    public static partial void WaitsForWebhook(this ILogger logger, Guid batchId, string reason);

    [LoggerMessage(LogLevel.Warning, "Delivery pauses: {Reason} ({Detail})")]
    public static partial void Pausing(this ILogger logger, PauseReason reason, string detail);

    [LoggerMessage(LogLevel.Information, "{Rows} rows of batch {BatchId} are being sent by another delivery; waiting {WaitMs} ms")]
    public static partial void RowsBusy(this ILogger logger, int rows, Guid batchId, double waitMs);

    [LoggerMessage(LogLevel.Warning, "{Rows} rows of batch {BatchId} went to Clay webhook {Webhook} with an unknown outcome: kept claimed for {DeadlineSeconds} s or until a callback proves them")]
    public static partial void AmbiguousSend(this ILogger logger, int rows, Guid batchId, string webhook, double deadlineSeconds);

    [LoggerMessage(LogLevel.Information, "Job {JobId} cancelled by {RequestedBy}: its remaining batches will be skipped")]
    public static partial void JobCancelled(this ILogger logger, Guid jobId, string requestedBy);
}
