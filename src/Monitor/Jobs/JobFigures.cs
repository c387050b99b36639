using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Contracts.Tracking;

namespace ClayBus.Monitor.Jobs;

/// <summary>
/// The job's figures: how each event changes them. Pure, so it is tested without a bus. Every method is idempotent
/// (counted batches are marked in <see cref="JobBatchBook"/>, callback counters are absolute), because events come late, twice and out of order.
/// </summary>
public static class JobFigures
{
    public static void Open(JobState job, DateTimeOffset now)
    {
        job.CreatedAt = now;
        job.LastProgressAt = now;
    }

    public static void Submitted(JobState job, JobSubmitted submitted)
    {
        job.SubmissionKnown = true;
        job.SubmittedAt = submitted.SubmittedAt;
        job.Priority = submitted.Priority;
        job.Admission = submitted.Admission;
        job.SubmittedBy = submitted.SubmittedBy;
        job.RowsRead = submitted.RowsRead;
        job.RowsInvalid = submitted.RowsInvalid;
        foreach (var table in submitted.Tables)
        {
            var figures = Table(job, table.TableKey);
            figures.RowsAccepted = table.RowsAccepted;
            figures.RowsRejected = table.RowsRejected;
            figures.RowsDeduplicated = table.RowsDeduplicated;
            figures.RowsHeld = table.RowsHeld;
            figures.Batches = table.Batches;
            figures.CreditsEstimated = table.EstimatedCredits;
        }
    }

    /// <returns><c>false</c> when the batch was already counted.</returns>
    public static bool Delivered(JobState job, BatchDelivered delivered)
    {
        if (job.Batches.IsDelivered(delivered.BatchId))
        {
            return false;
        }

        var wasDeadLettered = job.Batches.IsDeadLettered(delivered.BatchId, out var deadRows);
        job.Batches.MarkDelivered(delivered.BatchId);
        var figures = Table(job, delivered.TableKey);
        if (wasDeadLettered)
        {
            // A requeued dead letter reached Clay: its rows move from dead-lettered to delivered, counted once.
            var rows = deadRows ?? delivered.SentRowIds.Count + delivered.SkippedRowIds.Count;
            figures.BatchesDeadLettered = Math.Max(0, figures.BatchesDeadLettered - 1);
            figures.RowsDeadLettered = Math.Max(0, figures.RowsDeadLettered - rows);
            figures.RowsRequeued += rows;
        }

        figures.BatchesDelivered++;
        if (figures.LastDeliveredAt is null || delivered.DeliveredAt > figures.LastDeliveredAt)
        {
            figures.LastDeliveredAt = delivered.DeliveredAt;
        }

        figures.RowsDelivered += delivered.SentRowIds.Count + delivered.SkippedRowIds.Count;
        figures.CreditsReserved += delivered.CreditsReserved;
        if (delivered.WebhookRecordsCap is > 0 and var cap)
        {
            job.MaxWebhookUsage = Math.Max(job.MaxWebhookUsage, (double)delivered.WebhookRecordsUsed / cap);
        }

        job.FirstDeliveredAt ??= delivered.DeliveredAt;
        Progressed(job, delivered.DeliveredAt);
        return true;
    }

    /// <summary>Whether a delivery would change the figures (a batch not counted as delivered yet).</summary>
    public static bool IsNew(JobState job, BatchDelivered delivered) => !job.Batches.IsDelivered(delivered.BatchId);

    /// <summary>Whether a dead letter would change the figures: a batch neither delivered nor dead-lettered yet.</summary>
    public static bool IsNew(JobState job, DeliverBatch batch) =>
        !job.Batches.IsDelivered(batch.BatchId) && !job.Batches.IsDeadLettered(batch.BatchId, out _);

    /// <summary>Whether a progress message would raise any callback counter.</summary>
    public static bool IsNew(JobState job, JobProgressed progress) =>
        progress.Tables.Any(t => !job.Tables.TryGetValue(t.TableKey, out var figures)
            || t.RowsEnriched > figures.RowsEnriched || t.RowsNoData > figures.RowsNoData || t.RowsError > figures.RowsError);

    /// <returns><c>false</c> when the batch was already counted as dead-lettered, or as delivered (Clay has its rows:
    /// a fault that arrives after the requeued copy's delivery is stale).</returns>
    public static bool DeadLettered(JobState job, DeliverBatch batch, DateTimeOffset at)
    {
        if (job.Batches.IsDelivered(batch.BatchId) || job.Batches.IsDeadLettered(batch.BatchId, out _))
        {
            return false;
        }

        job.Batches.MarkDeadLettered(batch.BatchId, batch.Rows.Count);

        var figures = Table(job, batch.TableKey);
        figures.BatchesDeadLettered++;
        figures.RowsDeadLettered += batch.Rows.Count;
        Progressed(job, at);
        return true;
    }

    /// <summary>A saga stored before the batch book kept its batch sets inline: they move into the book (and are
    /// written beside it with the next update), so old sagas load and still count each batch once.</summary>
    public static void MoveOldBatchSets(JobState job)
    {
        foreach (var batchId in job.DeadLetteredBatches ?? [])
        {
            int? rows = job.DeadLetteredBatchRows is { } counted && counted.TryGetValue(batchId, out var known) ? known : null;
            job.Batches.MarkDeadLettered(batchId, rows);
        }

        foreach (var batchId in job.DeliveredBatches ?? [])
        {
            job.Batches.MarkDelivered(batchId);
        }

        job.DeliveredBatches = null;
        job.DeadLetteredBatches = null;
        job.DeadLetteredBatchRows = null;
    }

    public static void Released(JobState job, HeldBatchesReleased released) => job.RowsReleased += released.Rows;

    /// <summary>Takes the higher of each counter: a stale progress message never moves figures back.</summary>
    /// <returns><c>true</c> when any counter grew (that is progress).</returns>
    public static bool Progress(JobState job, JobProgressed progress)
    {
        var grew = false;
        foreach (var table in progress.Tables)
        {
            var figures = Table(job, table.TableKey);
            grew |= table.RowsEnriched > figures.RowsEnriched || table.RowsNoData > figures.RowsNoData || table.RowsError > figures.RowsError;
            figures.RowsEnriched = Math.Max(figures.RowsEnriched, table.RowsEnriched);
            figures.RowsNoData = Math.Max(figures.RowsNoData, table.RowsNoData);
            figures.RowsError = Math.Max(figures.RowsError, table.RowsError);
            figures.CreditsSpent = Math.Max(figures.CreditsSpent, table.CreditsSpent);
            figures.Actions = Math.Max(figures.Actions, table.Actions);
        }

        if (job.FirstCallbackAt is null || progress.FirstCallbackAt < job.FirstCallbackAt)
        {
            job.FirstCallbackAt = progress.FirstCallbackAt;
        }

        if (job.LastCallbackAt is null || progress.LastCallbackAt > job.LastCallbackAt)
        {
            job.LastCallbackAt = progress.LastCallbackAt;
        }

        if (grew)
        {
            Progressed(job, progress.LastCallbackAt);
        }

        return grew;
    }

    /// <summary>A stuck episode begins: the first one's time is kept, the episode's own goes to <c>LastStuckAt</c>.</summary>
    public static void BecameStuck(JobState job, DateTimeOffset now, string likelyCause)
    {
        job.StuckAt ??= now;
        job.LastStuckAt = now;
        job.StuckEpisodes++;
        job.LikelyCause = likelyCause;
    }

    public static void LeftStuck(JobState job, DateTimeOffset now)
    {
        job.RecoveredAt = now;
        job.LikelyCause = null;
    }

    /// <summary>The figures a finished job publishes in <see cref="JobCompleted"/>.</summary>
    public static JobCompleted Summary(JobState job, JobPhase phase, DateTimeOffset completedAt) => new(
        job.CorrelationId,
        phase,
        job.RowsAccepted,
        job.RowsDelivered,
        job.RowsEnriched,
        job.RowsFailed,
        job.RowsDeadLettered,
        job.CreditsSpent,
        completedAt,
        job.RowsRejected,
        job.RowsDeduplicated,
        job.CreditsEstimated,
        job.CreditsReserved,
        job.SubmittedAt,
        job.FirstDeliveredAt,
        job.EnrichingAt,
        job.FirstCallbackAt,
        job.LastCallbackAt,
        job.StuckAt,
        job.RecoveredAt,
        job.StuckEpisodes,
        [.. job.Tables.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new JobTableFigures(
            t.Key,
            t.Value.RowsAccepted,
            t.Value.RowsRejected,
            t.Value.RowsDeduplicated,
            t.Value.RowsDelivered,
            t.Value.RowsEnriched,
            t.Value.RowsNoData,
            t.Value.RowsError,
            RowsDeadLettered(t.Value),
            t.Value.CreditsEstimated,
            t.Value.CreditsReserved,
            t.Value.CreditsSpent))],
        job.Reopens,
        [.. job.Episodes]);

    /// <summary>Rows with a final outcome: enriched, failed, or dead-lettered.</summary>
    public static int RowsAccountedFor(JobState job) =>
        job.Tables.Values.Sum(t => RowsCalledBack(t) + RowsDeadLettered(t));

    public static int RowsCalledBack(TableFigures table) => table.RowsEnriched + table.RowsNoData + table.RowsError;

    /// <summary>
    /// Dead-lettered rows that have not called back. Callbacks beyond the delivered rows can only be rows of a
    /// requeued dead letter whose <c>BatchDelivered</c> has not arrived yet: they leave the dead letters at once, so
    /// no row is counted both as dead-lettered and as called back, whichever event comes first.
    /// </summary>
    public static int RowsDeadLettered(TableFigures table)
    {
        var ahead = Math.Max(0, RowsCalledBack(table) - table.RowsDelivered);
        return Math.Max(0, table.RowsDeadLettered - ahead);
    }

    /// <summary>Rows still waiting for Clay or for delivery, not counting rows held for the budget reset.</summary>
    public static int RowsOutstanding(JobState job)
    {
        var expected = job.SubmissionKnown ? job.RowsAccepted - RowsHeld(job) : job.RowsDelivered + job.RowsDeadLettered;
        return Math.Max(0, expected - RowsAccountedFor(job));
    }

    public static int RowsHeld(JobState job) => Math.Max(0, job.Tables.Values.Sum(t => t.RowsHeld) - job.RowsReleased);

    private static void Progressed(JobState job, DateTimeOffset at)
    {
        if (at > job.LastProgressAt)
        {
            job.LastProgressAt = at;
        }
    }

    private static TableFigures Table(JobState job, string tableKey)
    {
        if (!job.Tables.TryGetValue(tableKey, out var figures))
        {
            job.Tables[tableKey] = figures = new TableFigures();
        }

        return figures;
    }
}
