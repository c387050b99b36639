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
/// The members after <see cref="CompletedAt"/> were added later: a reader of older messages gets their defaults.
/// </summary>
/// <param name="RowsFailed">Called back with no data or with an error.</param>
/// <param name="RowsRejected">Rows the tables' rules rejected at submission (not counted in <see cref="RowsAccepted"/>).</param>
/// <param name="RowsDeduplicated">Rows skipped at submission as duplicates (not counted in <see cref="RowsAccepted"/>).</param>
/// <param name="CreditsEstimated">The Submitter's estimate for the accepted rows.</param>
/// <param name="CreditsReserved">Credits the Enricher reserved for the delivered batches.</param>
/// <param name="FirstDeliveredAt">When the first batch reached Clay.</param>
/// <param name="EnrichingAt">When every accepted row was delivered or dead-lettered (callbacks outstanding).</param>
/// <param name="StuckAt">When the job first became stuck (null: never).</param>
/// <param name="RecoveredAt">When the job last left Stuck.</param>
/// <param name="StuckEpisodes">How many times the job became stuck.</param>
/// <param name="Tables">Each table's figures.</param>
/// <param name="Reopens">How many times the job left a final state (requeued dead letters reached Clay); each
/// reopening ends in another <see cref="JobCompleted"/> with the corrected figures, the latest one being the truth.</param>
/// <param name="Episodes">The job's finishes and reopenings, oldest first (the latest ones when there are many).</param>
public record JobCompleted(
    Guid JobId,
    JobPhase Phase,
    int RowsAccepted,
    int RowsDelivered,
    int RowsEnriched,
    int RowsFailed,
    int RowsDeadLettered,
    decimal CreditsSpent,
    DateTimeOffset CompletedAt,
    int RowsRejected = 0,
    int RowsDeduplicated = 0,
    decimal CreditsEstimated = 0,
    decimal CreditsReserved = 0,
    DateTimeOffset? SubmittedAt = null,
    DateTimeOffset? FirstDeliveredAt = null,
    DateTimeOffset? EnrichingAt = null,
    DateTimeOffset? FirstCallbackAt = null,
    DateTimeOffset? LastCallbackAt = null,
    DateTimeOffset? StuckAt = null,
    DateTimeOffset? RecoveredAt = null,
    int StuckEpisodes = 0,
    IReadOnlyList<JobTableFigures>? Tables = null,
    int Reopens = 0,
    IReadOnlyList<JobEpisode>? Episodes = null);

/// <summary>
/// One step of a job's history after its first finish: <c>completed</c>, <c>completedWithFailures</c> or
/// <c>reopened</c>, with when and why. Carried by <see cref="JobCompleted"/> and the status API.
/// </summary>
/// <param name="Phase">The phase entered, camelCase (<c>reopened</c> when the job left a final state).</param>
/// <param name="Reason">Why a job reopened (e.g. a requeued dead-lettered batch was delivered); null for a finish.</param>
public record JobEpisode(string Phase, DateTimeOffset At, string? Reason = null);

/// <summary>One table's share of a finished job, in <see cref="JobCompleted"/>.</summary>
/// <param name="RowsNoData">Called back with no data from any provider.</param>
/// <param name="RowsError">Called back after the waterfall ended on errors or timeouts.</param>
/// <param name="CreditsSpent">Data Credits Clay reported on the table's callbacks.</param>
public record JobTableFigures(
    string TableKey,
    int RowsAccepted,
    int RowsRejected,
    int RowsDeduplicated,
    int RowsDelivered,
    int RowsEnriched,
    int RowsNoData,
    int RowsError,
    int RowsDeadLettered,
    decimal CreditsEstimated,
    decimal CreditsReserved,
    decimal CreditsSpent);

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
