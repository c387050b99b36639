namespace ClayBus.Contracts.Submission;

/// <summary>
/// A job was accepted: every batch that goes out now is confirmed by the broker.
/// Published by the Submitter after the last batch is confirmed (so batches may be delivered before this arrives).
/// Consumed by the Monitor's job saga.
/// </summary>
/// <param name="JobId">The job; <c>claybus_job_id</c> in every record sent to Clay.</param>
/// <param name="RowsRead">Rows read from the input, good and bad.</param>
/// <param name="RowsInvalid">Rows rejected before routing (no email or domain, malformed, too large).</param>
/// <param name="Tables">What each table received.</param>
/// <param name="Rejections">The first rejections (at most 100), for the job's report.</param>
/// <param name="SubmittedBy">The API key name or upstream source that submitted the job.</param>
public record JobSubmitted(
    Guid JobId,
    DateTimeOffset SubmittedAt,
    JobPriority Priority,
    AdmissionDecision Admission,
    int RowsRead,
    int RowsInvalid,
    IReadOnlyList<TableSubmission> Tables,
    IReadOnlyList<RowRejection> Rejections,
    string? SubmittedBy = null,
    string? IdempotencyKey = null);

/// <summary>One table's share of a submitted job.</summary>
/// <param name="RowsAccepted">Rows that will be delivered (now or after the budget reset).</param>
/// <param name="RowsRejected">Rows this table's rules rejected (e.g. personal email domains).</param>
/// <param name="RowsDeduplicated">Rows skipped as duplicates within the job or of a recent job.</param>
/// <param name="RowsHeld">Of the accepted rows, those held for the budget reset.</param>
/// <param name="EstimatedCredits">Accepted rows × the table's credits-per-row estimate.</param>
public record TableSubmission(
    string TableKey,
    int RowsAccepted,
    int RowsRejected,
    int RowsDeduplicated,
    int RowsHeld,
    int Batches,
    decimal EstimatedCredits);

/// <summary>Why one input row was not accepted.</summary>
/// <param name="RowNumber">1-based row number in the input (the CSV header is row 0).</param>
/// <param name="Field">The field at fault, or <c>row</c> for the row as a whole.</param>
public record RowRejection(int RowNumber, string Field, string Reason);
