using ClayBus.Contracts.Tracking;

namespace ClayBus.Monitor.Callbacks;

/// <summary>The row event a callback stands for: <see cref="RowEnriched"/> or <see cref="RowEnrichmentFailed"/>.</summary>
public static class RowOutcomes
{
    public static object ToEvent(ClayCallback callback, string tableKey, DateTimeOffset at) =>
        callback.Status == ClayCallback.Enriched
            ? new RowEnriched(callback.JobId, callback.RowId, tableKey, callback.SuccessfulProvider ?? "unknown", callback.Providers, callback.DataCredits, callback.Actions, at)
            : new RowEnrichmentFailed(
                callback.JobId,
                callback.RowId,
                tableKey,
                callback.Status == ClayCallback.NoData ? RowFailureKind.NoData : RowFailureKind.Error,
                callback.Providers,
                callback.DataCredits,
                callback.Actions,
                at);
}
