using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;
using MassTransit;

namespace ClayBus.Monitor.Status;

/// <summary>One job in the status API, with its per-table progress (from the job saga).</summary>
/// <param name="Phase">The saga's state as a <see cref="JobPhase"/> name in camelCase (<c>delivering</c>, <c>stuck</c>, …).</param>
/// <param name="RowsRejected">Rejected by the tables' rules at submission (not among the accepted rows).</param>
/// <param name="RowsDeduplicated">Skipped at submission as duplicates (not among the accepted rows).</param>
/// <param name="RowsHeld">Accepted rows still held for the budget reset.</param>
/// <param name="StuckAt">When the job first became stuck.</param>
/// <param name="LastStuckAt">When its latest stuck episode began.</param>
/// <param name="RecoveredAt">When it last left Stuck.</param>
/// <param name="Reopens">How many times the finished job reopened (requeued dead letters reached Clay).</param>
/// <param name="ReopenedAt">When it last reopened; <see cref="Phase"/> is where it is now.</param>
/// <param name="Episodes">Finishes and reopenings, oldest first.</param>
public sealed record JobSummary(
    Guid JobId,
    string Phase,
    string? SubmittedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset LastProgressAt,
    DateTimeOffset? CompletedAt,
    int RowsAccepted,
    int RowsDelivered,
    int RowsEnriched,
    int RowsFailed,
    int RowsDeadLettered,
    decimal CreditsSpent,
    string? LikelyCause,
    IReadOnlyList<TableProgress> Tables,
    int RowsRejected = 0,
    int RowsDeduplicated = 0,
    int RowsHeld = 0,
    decimal CreditsEstimated = 0,
    decimal CreditsReserved = 0,
    DateTimeOffset? FirstDeliveredAt = null,
    DateTimeOffset? EnrichingAt = null,
    DateTimeOffset? FirstCallbackAt = null,
    DateTimeOffset? LastCallbackAt = null,
    DateTimeOffset? StuckAt = null,
    DateTimeOffset? LastStuckAt = null,
    DateTimeOffset? RecoveredAt = null,
    int StuckEpisodes = 0,
    DateTimeOffset? CancelledAt = null,
    int Reopens = 0,
    DateTimeOffset? ReopenedAt = null,
    IReadOnlyList<JobEpisode>? Episodes = null);

/// <param name="RowsHeld">Rows held for the budget reset at submission (the job's <c>rowsHeld</c> subtracts those released since).</param>
/// <param name="RowsDeadLettered">Dead-lettered rows not (yet) requeued to Clay.</param>
/// <param name="RowsRequeued">Rows of dead-lettered batches that reached Clay after a requeue (now among the delivered).</param>

public sealed record TableProgress(
    string TableKey,
    int RowsAccepted,
    int RowsHeld,
    int Batches,
    int BatchesDelivered,
    int RowsDelivered,
    int RowsEnriched,
    int RowsNoData,
    int RowsError,
    int RowsDeadLettered,
    decimal CreditsEstimated,
    decimal CreditsSpent,
    int RowsRejected = 0,
    int RowsDeduplicated = 0,
    decimal CreditsReserved = 0,
    int RowsRequeued = 0);

public static class JobStatusEndpoints
{
    public static RouteGroupBuilder MapJobStatus(this RouteGroupBuilder status)
    {
        status.MapGet("/jobs", ListJobs)
            .WithName("GetJobs")
            .WithSummary("The newest jobs (take, default 50, at most 500), optionally only those in one state (?state=delivering).")
            .ProducesValidationProblem();
        status.MapGet("/jobs/{jobId:guid}", GetJob)
            .WithName("GetJob")
            .WithSummary("One job with its per-table progress.")
            .Produces<JobSummary>()
            .Produces(StatusCodes.Status404NotFound);
        return status;
    }

    private static async Task<IResult> ListJobs(JobIndex index, ILoadSagaRepository<JobState> sagas, string? state, int? take)
    {
        JobPhase? wanted = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            if (!Enum.TryParse<JobPhase>(state, ignoreCase: true, out var phase) || int.TryParse(state, out _))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["state"] = [$"'{state}' is not a job state: use one of {string.Join(", ", Enum.GetNames<JobPhase>().Select(Camel))}"],
                });
            }

            wanted = phase;
        }

        var limit = Math.Clamp(take ?? 50, 1, 500);
        var jobs = new List<JobSummary>();
        // A filter looks further back than the page it returns, so "the stuck jobs" are not only the newest 50's.
        foreach (var jobId in await index.NewestAsync(wanted is null ? limit : JobIndex.Capacity))
        {
            if (await sagas.Load(jobId) is { } job && (wanted is null || string.Equals(job.CurrentState, wanted.ToString(), StringComparison.OrdinalIgnoreCase)))
            {
                jobs.Add(Summarise(job));
                if (jobs.Count == limit)
                {
                    break;
                }
            }
        }

        return TypedResults.Ok(jobs);
    }

    private static async Task<IResult> GetJob(Guid jobId, ILoadSagaRepository<JobState> sagas) =>
        await sagas.Load(jobId) is { } job ? TypedResults.Ok(Summarise(job)) : TypedResults.NotFound();

    private static JobSummary Summarise(JobState job) => new(
        job.CorrelationId,
        Camel(job.CurrentState),
        job.SubmittedBy,
        job.CreatedAt,
        job.SubmittedAt,
        job.LastProgressAt,
        job.CompletedAt,
        job.RowsAccepted,
        job.RowsDelivered,
        job.RowsEnriched,
        job.RowsFailed,
        job.RowsDeadLettered,
        job.CreditsSpent,
        job.LikelyCause,
        job.Tables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new TableProgress(
            t.Key,
            t.Value.RowsAccepted,
            t.Value.RowsHeld,
            t.Value.Batches,
            t.Value.BatchesDelivered,
            t.Value.RowsDelivered,
            t.Value.RowsEnriched,
            t.Value.RowsNoData,
            t.Value.RowsError,
            JobLedger.RowsDeadLettered(t.Value),
            t.Value.CreditsEstimated,
            t.Value.CreditsSpent,
            t.Value.RowsRejected,
            t.Value.RowsDeduplicated,
            t.Value.CreditsReserved,
            t.Value.RowsRequeued)).ToList(),
        job.RowsRejected,
        job.RowsDeduplicated,
        JobLedger.RowsHeld(job),
        job.CreditsEstimated,
        job.CreditsReserved,
        job.FirstDeliveredAt,
        job.EnrichingAt,
        job.FirstCallbackAt,
        job.LastCallbackAt,
        job.StuckAt,
        job.LastStuckAt ?? job.StuckAt,
        job.RecoveredAt,
        job.StuckEpisodes,
        job.CancelledAt,
        job.Reopens,
        job.ReopenedAt,
        job.Episodes);

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
