using ClayBus.Contracts.Tracking;

namespace ClayBus.Monitor.Callbacks;

/// <summary>The row event a callback stands for: <see cref="RowEnriched"/> or <see cref="RowEnrichmentFailed"/>.</summary>
public static class RowOutcomes
{
    /// <param name="jobId">The job of the row's delivery record (the callback may name none).</param>
    public static object ToEvent(ClayCallback callback, Guid jobId, string tableKey, DateTimeOffset at) =>
        callback.Status == ClayCallback.Enriched
            ? new RowEnriched(jobId, callback.RowId, tableKey, callback.SuccessfulProvider ?? "unknown", callback.Providers, callback.DataCredits, callback.Actions, at, callback.CreditsUnknown)
            : new RowEnrichmentFailed(
                jobId,
                callback.RowId,
                tableKey,
                callback.Status == ClayCallback.NoData ? RowFailureKind.NoData : RowFailureKind.Error,
                callback.Providers,
                callback.DataCredits,
                callback.Actions,
                at,
                callback.CreditsUnknown);
}
