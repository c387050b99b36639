using ClayBus.Monitor.Metrics;

namespace ClayBus.Monitor.Callbacks;

/// <summary>
/// Reports a callback that settled nothing because it did not match its row's delivery or its amounts were not
/// plausible. Clay gets 2xx so it stops retrying; operators get a count and a Warning naming row, job, table and
/// reason, never the secret header or the body.
/// </summary>
public static partial class CallbackRefusals
{
    public static CallbackVerdictKind? Verdict(CallbackRecord record) => record switch
    {
        CallbackRecord.ForgedOtherJob => CallbackVerdictKind.ForgedOtherJob,
        CallbackRecord.ForgedOtherTable => CallbackVerdictKind.ForgedOtherTable,
        _ => null,
    };

    public static void Report(ILogger logger, MonitorMetrics metrics, CallbackVerdictKind verdict, ClayCallback callback, string tableKey)
    {
        var outcome = CallbackVerdict.Outcome(verdict);
        metrics.CallbackReceived(outcome);
        LogRefused(logger, callback.RowId, callback.JobId?.ToString() ?? "none", tableKey, outcome);
    }

    [LoggerMessage(LogLevel.Warning, "Callback for row {RowId} naming job {JobId} on table {TableKey} refused ({Reason}): answered 2xx, nothing settled (forged: the row was delivered elsewhere; rejected_amount: a negative or absurd charge)")]
    private static partial void LogRefused(ILogger logger, string rowId, string jobId, string tableKey, string reason);
}
