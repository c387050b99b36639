using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Persistence;
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
            .WithSummary("The newest jobs, a page at a time (limit, default 50, at most 500; take is the old name), optionally only those in one state (?state=stuck). When more remain, the X-Next-Cursor header holds where the next page starts: pass it back as ?cursor=.")
            .ProducesValidationProblem();
        status.MapGet("/jobs/{jobId:guid}", GetJob)
            .WithName("GetJob")
            .WithSummary("One job with its per-table progress.")
            .Produces<JobSummary>()
            .Produces(StatusCodes.Status404NotFound);
        return status;
    }

    /// <summary>Header naming where the next page starts; absent on the last page.</summary>
    public const string NextCursorHeader = "X-Next-Cursor";

    /// <summary>Index entries one request reads at most while filtering, so a rare state cannot make a request scan everything.</summary>
    public const int ScanPerRequest = 5_000;

    private static async Task<IResult> ListJobs(HttpContext http, JobIndex index, RedisSagaStore<JobState> sagas, string? state, int? limit, int? take, string? cursor)
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

        JobCursor? after = null;
        if (!string.IsNullOrEmpty(cursor) && !JobCursor.TryParse(cursor, out after))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["cursor"] = [$"'{cursor}' is not a cursor: pass the {NextCursorHeader} header of the previous page as it came, or leave it out for the first page"],
            });
        }

        var pageSize = Math.Clamp(limit ?? take ?? 50, 1, 500);
        var jobs = new List<JobSummary>(pageSize);
        var scanned = 0;
        var more = true;
        // A filter reads the index in chunks until the page is full or the scan bound is reached; the cursor then
        // says where it stopped, so the next page goes on from there (a page may hold fewer jobs than asked).
        while (jobs.Count < pageSize && scanned < ScanPerRequest && more)
        {
            var chunk = await index.PageAsync(after, wanted is null ? pageSize - jobs.Count : Math.Min(200, ScanPerRequest - scanned));
            more = chunk.Count > 0;
            var loaded = await sagas.LoadMany([.. chunk.Select(entry => entry.JobId)]);
            for (var i = 0; i < chunk.Count; i++)
            {
                after = chunk[i];
                scanned++;
                if (loaded[i] is { } job && (wanted is null || string.Equals(job.CurrentState, wanted.ToString(), StringComparison.OrdinalIgnoreCase)))
                {
                    jobs.Add(Summarise(job));
                    if (jobs.Count == pageSize)
                    {
                        break;
                    }
                }
            }
        }

        if (more && after is not null && (await index.PageAsync(after, 1)).Count > 0)
        {
            http.Response.Headers[NextCursorHeader] = after.ToString();
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
            JobFigures.RowsDeadLettered(t.Value),
            t.Value.CreditsEstimated,
            t.Value.CreditsSpent,
            t.Value.RowsRejected,
            t.Value.RowsDeduplicated,
            t.Value.CreditsReserved,
            t.Value.RowsRequeued)).ToList(),
        job.RowsRejected,
        job.RowsDeduplicated,
        JobFigures.RowsHeld(job),
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
