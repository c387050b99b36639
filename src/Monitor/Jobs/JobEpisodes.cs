using ClayBus.Contracts.Tracking;

namespace ClayBus.Monitor.Jobs;

/// <summary>
/// A job's history once it has finished: each finish and each reopening, with times. Pure, tested without a bus.
/// A finished job reopens when figures it had closed change (a requeued dead letter reached Clay, or its callbacks).
/// </summary>
public static class JobEpisodes
{
    /// <summary>Entries kept per job: the saga is one Redis value, and an operator needs the recent story only.</summary>
    public const int Kept = 20;

    public const string ReopenedPhase = "reopened";

    public static bool IsFinished(string state) =>
        state is nameof(JobPhase.Completed) or nameof(JobPhase.CompletedWithFailures);

    public static void Finished(JobState job, DateTimeOffset at) => Add(job, new JobEpisode(Camel(job.CurrentState), at));

    /// <summary>The job leaves its final state: the finish time is cleared so the next finish stamps its own.</summary>
    public static void Reopened(JobState job, DateTimeOffset at, string reason)
    {
        job.Reopens++;
        job.ReopenedAt = at;
        job.CompletedAt = null;
        Add(job, new JobEpisode(ReopenedPhase, at, reason));
    }

    public static string DeliveredReason(Guid batchId, string tableKey) =>
        $"batch {batchId:N} of table {tableKey} was delivered after it had been dead-lettered (requeued)";

    public static string DeadLetteredReason(Guid batchId, string tableKey) =>
        $"batch {batchId:N} of table {tableKey} was dead-lettered after the job finished";

    public const string ProgressReason = "callbacks arrived after the job finished (rows of a requeued dead letter)";

    private static void Add(JobState job, JobEpisode episode)
    {
        job.Episodes.Add(episode);
        if (job.Episodes.Count > Kept)
        {
            job.Episodes.RemoveRange(0, job.Episodes.Count - Kept);
        }
    }

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
