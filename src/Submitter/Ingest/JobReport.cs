using ClayBus.Contracts.Submission;

namespace ClayBus.Submitter.Ingest;

/// <summary>What the caller gets back: the job id, how admission went, per-table figures and the first rejections.</summary>
public sealed record JobReport
{
    public required Guid JobId { get; init; }

    public bool DryRun { get; init; }

    /// <summary>The idempotency key matched an earlier job: this is that job's report and nothing was published now.</summary>
    public bool Duplicate { get; init; }

    public string? IdempotencyKey { get; init; }

    public required string Priority { get; init; }

    public required string Admission { get; init; }

    public required string AdmissionPolicy { get; init; }

    public decimal BudgetRemaining { get; init; }

    public required string BudgetSource { get; init; }

    public int RowsRead { get; init; }

    public int RowsInvalid { get; init; }

    public int RowsAccepted { get; init; }

    public int RowsRejected { get; init; }

    public int RowsDeduplicated { get; init; }

    public int RowsHeld { get; init; }

    public int BatchesPublished { get; init; }

    public int BatchesHeld { get; init; }

    public decimal EstimatedCredits { get; init; }

    /// <summary>Policy <c>reject</c>: the estimated credits of the rows refused for lack of budget.</summary>
    public decimal CreditsRefused { get; init; }

    public required IReadOnlyList<TableReport> Tables { get; init; }

    public required IReadOnlyList<RejectedRow> Rejected { get; init; }

    /// <summary>Dry run only: where each row would go and what it would cost (the first rows).</summary>
    public IReadOnlyList<RowRoute>? Routes { get; init; }

    /// <summary>Set when the input broke off: what had been read and published before is still reported.</summary>
    public InputProblem? Aborted { get; init; }

    /// <summary>The HTTP status the break maps to (413 for a field or file over its size or row limit, 408 for a body that arrived too slowly, 422 otherwise).</summary>
    public int? AbortedStatus { get; init; }
}

public sealed record TableReport(string Table, int RowsAccepted, int RowsRejected, int RowsDeduplicated, int RowsHeld, int Batches, decimal EstimatedCredits);

public sealed record RejectedRow(int Row, string Field, string Reason);

/// <summary>One row of a dry run: the table the rules chose, the table it goes to (a variant while rerouted), its id, cost and fate.</summary>
public sealed record RowRoute(int Row, string Table, string Destination, string RowId, decimal Credits, string Outcome);

internal static class JobReportExtensions
{
    public static JobSubmitted ToJobSubmitted(this JobReport report, JobPriority priority, DateTimeOffset at, string? source) =>
        new(
            report.JobId,
            at,
            priority,
            Enum.Parse<AdmissionDecision>(report.Admission, ignoreCase: true),
            report.RowsRead,
            report.RowsInvalid,
            report.Tables.Select(table => new TableSubmission(table.Table, table.RowsAccepted, table.RowsRejected, table.RowsDeduplicated, table.RowsHeld, table.Batches, table.EstimatedCredits)).ToList(),
            report.Rejected.Select(row => new RowRejection(row.Row, row.Field, row.Reason)).ToList(),
            source,
            report.IdempotencyKey);
}
