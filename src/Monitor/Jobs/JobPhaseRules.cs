using ClayBus.Contracts.Tracking;

namespace ClayBus.Monitor.Jobs;

/// <summary>Which phase the figures put a job in, and when it counts as stuck. Pure; the state machine only follows.</summary>
public static class JobPhaseRules
{
    public static JobPhase Next(JobState job)
    {
        var accounted = JobFigures.RowsAccountedFor(job);
        if (job.SubmissionKnown && accounted >= job.RowsAccepted)
        {
            var failed = job.RowsFailed + job.RowsDeadLettered;
            return failed > 0 ? JobPhase.CompletedWithFailures : JobPhase.Completed;
        }

        // Stuck holds until something moves; a repeated or unrelated event is not progress.
        // Sagas written before LastStuckAt existed kept the latest episode in StuckAt.
        if (job.CurrentState == nameof(JobPhase.Stuck) && (job.LastStuckAt ?? job.StuckAt) is { } stuckAt && job.LastProgressAt <= stuckAt)
        {
            return JobPhase.Stuck;
        }

        var sent = job.RowsDelivered + job.RowsDeadLettered;
        if (job.SubmissionKnown && sent >= job.RowsAccepted)
        {
            return JobPhase.Enriching;
        }

        return sent > 0 || job.LastCallbackAt is not null ? JobPhase.Delivering : JobPhase.Submitted;
    }

    /// <summary>Stuck: rows outstanding (held rows wait for the budget, they are not stuck) and no progress for <paramref name="stuckAfter"/>.</summary>
    public static bool IsStuck(JobState job, DateTimeOffset now, TimeSpan stuckAfter) =>
        JobFigures.RowsOutstanding(job) > 0 && now - job.LastProgressAt >= stuckAfter;

    /// <summary>When to look again: a stuck timeout measured from the last progress, never sooner than a second from now.</summary>
    public static TimeSpan NextCheckIn(JobState job, DateTimeOffset now, TimeSpan stuckAfter)
    {
        var due = job.LastProgressAt + stuckAfter - now;
        return due < TimeSpan.FromSeconds(1) ? stuckAfter : due;
    }

    /// <summary>
    /// A delivery this close to a webhook's cap is evidence that Clay may be dropping records over it. The Enricher
    /// rotates at 90% of the cap by default (45,000 of 50,000), so the share a job can see stops just below 0.9.
    /// </summary>
    public const double SilentExhaustionShare = 0.89;

    /// <summary>
    /// The likeliest reason for a stuck job: a block the Enricher announced for one of its tables that still has
    /// unsent rows and no delivery since (full table, spent webhook pool), else evidence in the job's own figures.
    /// </summary>
    public static string LikelyCause(JobState job, DateTimeOffset now, IReadOnlyCollection<TableBlock>? blocks = null)
    {
        if (Blocking(job, blocks ?? []) is { } block)
        {
            var waiting = RowsUnsent(job.Tables[block.TableKey]);
            return block.Kind == TableBlockKind.TableFull
                ? $"table {block.TableKey} is full ({block.Detail}): {waiting} of its rows wait; create a new table and route to it, or make the table auto-delete"
                : $"every webhook of table {block.TableKey} is spent ({block.Detail}): {waiting} of its rows wait; add a webhook to Tables:{block.TableKey}:Webhooks";
        }

        if (job.MaxWebhookUsage >= SilentExhaustionShare)
        {
            return $"webhook possibly exhausted silently: a delivery used {job.MaxWebhookUsage:P0} of the webhook's lifetime cap, and Clay drops records over the cap without an error";
        }

        var sent = job.RowsDelivered + job.RowsDeadLettered;
        if (job.SubmissionKnown && sent < job.RowsAccepted - JobFigures.RowsHeld(job))
        {
            return $"batches not delivered: {sent} of {job.RowsAccepted - JobFigures.RowsHeld(job)} rows sent; the Enricher may be paused (budget, Clay down) or deliver-batch is backed up";
        }

        if (job.LastCallbackAt is null)
        {
            return $"callback column misconfigured: none of the {job.RowsDelivered} delivered rows has called back (check the table's HTTP API column URL and x-claybus-callback-secret)";
        }

        var quiet = now - job.LastCallbackAt.Value;
        return $"Clay backlog: {JobFigures.RowsAccountedFor(job)} rows called back, none for {quiet.TotalMinutes:F0} min while {JobFigures.RowsOutstanding(job)} are outstanding";
    }

    /// <summary>The latest block of a job's table that still explains its waiting rows.</summary>
    public static TableBlock? Blocking(JobState job, IReadOnlyCollection<TableBlock> blocks) =>
        blocks
            .Where(b => job.Tables.TryGetValue(b.TableKey, out var table)
                && (RowsUnsent(table) > 0 || !job.SubmissionKnown)
                && (table.LastDeliveredAt is null || table.LastDeliveredAt < b.At))
            .OrderByDescending(b => b.At)
            .FirstOrDefault();

    private static int RowsUnsent(TableFigures table) =>
        Math.Max(0, table.RowsAccepted - table.RowsHeld - table.RowsDelivered - table.RowsDeadLettered);
}
