namespace ClayBus.Monitor.Callbacks;

/// <summary>What a callback may do. Only <see cref="Settle"/> moves anything (counts, money, provider health).</summary>
public enum CallbackVerdictKind
{
    Settle,

    /// <summary>No delivery of the row is known yet: parked until its BatchDelivered, then judged again.</summary>
    Park,
    ForgedOtherJob,
    ForgedOtherTable,

    /// <summary>Negative, or above <c>Callbacks:MaxDataCreditsPerRow</c> / <c>MaxActionsPerRow</c>.</summary>
    RejectedAmount,
}

/// <summary>The row's delivery record, written from <c>BatchDelivered</c> into its lineage.</summary>
public sealed record DeliveryRecord(Guid JobId, string TableKey);

/// <summary>
/// Whether a callback may settle its row: only the job and table the row was sent to, and only plausible amounts.
/// <see cref="CallbackStore"/>'s Lua executes <see cref="OfDelivery"/> atomically with the settlement; the amounts are
/// judged here before Redis is asked.
/// </summary>
public sealed class CallbackVerdict(decimal maxDataCreditsPerRow, int maxActionsPerRow)
{
    public CallbackVerdict(CallbackOptions options)
        : this(options.MaxDataCreditsPerRow, options.MaxActionsPerRow)
    {
    }

    public CallbackVerdictKind Judge(ClayCallback callback, string tableKey, DeliveryRecord? delivery) =>
        OfAmounts(callback) is var amounts && amounts != CallbackVerdictKind.Settle ? amounts : OfDelivery(callback.JobId, tableKey, delivery);

    /// <summary>An unreadable amount reads as 0 and passes: the row settles with its reservation kept (<c>CreditsUnknown</c>).</summary>
    public CallbackVerdictKind OfAmounts(ClayCallback callback) =>
        callback.DataCredits < 0 || callback.Actions < 0 || callback.DataCredits > maxDataCreditsPerRow || callback.Actions > maxActionsPerRow
            ? CallbackVerdictKind.RejectedAmount
            : CallbackVerdictKind.Settle;

    /// <param name="jobId">The job the callback names; <c>null</c> takes the delivery's.</param>
    public static CallbackVerdictKind OfDelivery(Guid? jobId, string tableKey, DeliveryRecord? delivery) =>
        delivery is null ? CallbackVerdictKind.Park
        : jobId is { } job && job != delivery.JobId ? CallbackVerdictKind.ForgedOtherJob
        : !string.Equals(tableKey, delivery.TableKey, StringComparison.Ordinal) ? CallbackVerdictKind.ForgedOtherTable
        : CallbackVerdictKind.Settle;

    /// <summary>The outcome label of <c>claybus.callbacks.received</c> and the field of the Redis counter.</summary>
    public static string Outcome(CallbackVerdictKind verdict) => verdict switch
    {
        CallbackVerdictKind.ForgedOtherJob => "forged_other_job",
        CallbackVerdictKind.ForgedOtherTable => "forged_other_table",
        CallbackVerdictKind.RejectedAmount => "rejected_amount",
        CallbackVerdictKind.Park => "unknown_row",
        _ => "settled",
    };
}
