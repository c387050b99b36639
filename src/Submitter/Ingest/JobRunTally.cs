using ClayBus.Contracts.Submission;
using ClayBus.Submitter.Admission;
using ClayBus.Submitter.Validation;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// What one <see cref="JobRun"/> counted, per table and in all: rows read, invalid, rejected, deduplicated, held,
/// batches and credits; the first rejections and (in a dry run) each row's route; and the report made of them.
/// </summary>
public sealed class JobRunTally(JobRequest request, IngestOptions ingest)
{
    private readonly Dictionary<string, TableTally> _tables = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<RejectedRow> _rejected = [];
    private readonly List<RowRoute> _routes = [];

    public int Read { get; set; }

    public int Invalid { get; set; }

    public int BatchesPublished { get; set; }

    public int BatchesHeld { get; set; }

    public decimal CreditsRefused { get; set; }

    public TableTally Table(string table)
    {
        if (!_tables.TryGetValue(table, out var tally))
        {
            tally = _tables[table] = new TableTally();
        }

        return tally;
    }

    public void Reject(RowProblem problem)
    {
        if (_rejected.Count < ingest.MaxRejectionsReported)
        {
            _rejected.Add(new RejectedRow(problem.RowNumber, problem.Field, problem.Reason));
        }
    }

    public void Trace(int row, string table, string destination, string rowId, decimal credits, string outcome)
    {
        if (request.DryRun && _routes.Count < ingest.MaxDryRunRows)
        {
            _routes.Add(new RowRoute(row, table, destination, rowId, credits, outcome));
        }
    }

    /// <param name="batchesConfirmed">Batches the broker confirmed; a dry run publishes none and reports those it would.</param>
    public JobReport Report(Guid jobId, AdmissionDecision admission, AdmissionPolicy policy, (decimal Remaining, string Source) budget, int batchesConfirmed, InputException? aborted)
    {
        var tables = _tables.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new TableReport(pair.Key, pair.Value.Accepted, pair.Value.Rejected, pair.Value.Deduplicated, pair.Value.Held, pair.Value.Batches, pair.Value.Credits))
            .ToList();
        return new JobReport
        {
            JobId = jobId,
            DryRun = request.DryRun,
            IdempotencyKey = request.IdempotencyKey,
            Priority = request.Priority.ToString().ToLowerInvariant(),
            Admission = admission.ToString().ToLowerInvariant(),
            AdmissionPolicy = policy.ToString().ToLowerInvariant(),
            BudgetRemaining = budget.Remaining,
            BudgetSource = budget.Source,
            RowsRead = Read,
            RowsInvalid = Invalid,
            RowsAccepted = tables.Sum(table => table.RowsAccepted),
            RowsRejected = tables.Sum(table => table.RowsRejected),
            RowsDeduplicated = tables.Sum(table => table.RowsDeduplicated),
            RowsHeld = tables.Sum(table => table.RowsHeld),
            BatchesPublished = request.DryRun ? BatchesPublished : batchesConfirmed,
            BatchesHeld = BatchesHeld,
            EstimatedCredits = tables.Sum(table => table.EstimatedCredits),
            CreditsRefused = CreditsRefused,
            Tables = tables,
            Rejected = _rejected,
            Routes = request.DryRun ? _routes : null,
            Aborted = aborted is null ? null : new InputProblem(aborted.Field, aborted.Message),
            AbortedStatus = aborted?.Status,
        };
    }

    public sealed class TableTally
    {
        public int Accepted { get; set; }

        public int Rejected { get; set; }

        public int Deduplicated { get; set; }

        public int Held { get; set; }

        public int Batches { get; set; }

        public decimal Credits { get; set; }
    }
}

