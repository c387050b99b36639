namespace ClayBus.Contracts.Tracking;

/// <summary>Where a job stands. The job saga's states, as status readers see them.</summary>
public enum JobPhase
{
    /// <summary>Accepted; no batch delivered yet.</summary>
    Submitted,

    /// <summary>Batches are going out to Clay.</summary>
    Delivering,

    /// <summary>Every batch is delivered; callbacks are still outstanding.</summary>
    Enriching,

    /// <summary>Every row accounted for, none failed.</summary>
    Completed,

    /// <summary>Every row accounted for; some failed or were dead-lettered.</summary>
    CompletedWithFailures,

    /// <summary>No progress for the stuck timeout while rows are outstanding.</summary>
    Stuck,

    /// <summary>An operator cancelled the job.</summary>
    Cancelled,
}

/// <summary>
/// A job reached a final state. Published by the job saga; consumed by whoever waits on jobs (CLI, upstream systems).
/// </summary>
public record JobCompleted(
    Guid JobId,
    JobPhase Phase,
    int RowsAccepted,
    int RowsDelivered,
    int RowsEnriched,
    int RowsFailed,
    int RowsDeadLettered,
    decimal CreditsSpent,
    DateTimeOffset CompletedAt);

/// <summary>
/// A job made no progress for the stuck timeout while rows are outstanding. Published by the job saga; consumed by
/// alerting. Later callbacks move the job on again.
/// </summary>
/// <param name="LikelyCause">The saga's best guess: webhook exhausted silently, Clay backlog, callback column misconfigured.</param>
public record JobStuck(Guid JobId, int RowsOutstanding, string LikelyCause, DateTimeOffset LastProgressAt, DateTimeOffset At);

/// <summary>Cancel a job: its undelivered batches are skipped. Sent by the Monitor's operator API; consumed by the job saga.</summary>
public record CancelJob(Guid JobId, string RequestedBy, string? Reason = null);

/// <summary>A job was cancelled. Published by the job saga; consumed by the Enricher (skips the job's batches).</summary>
public record JobCancelled(Guid JobId, string RequestedBy, DateTimeOffset At);
