namespace ClayBus.Contracts.Submission;

/// <summary>
/// Batches held for the budget reset were published. Published by the Submitter; consumed by the job saga.
/// </summary>
public record HeldBatchesReleased(Guid JobId, string TableKey, int Batches, int Rows, DateTimeOffset ReleasedAt);
