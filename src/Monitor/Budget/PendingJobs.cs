using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Persistence;
using ClayBus.Monitor.Status;

namespace ClayBus.Monitor.Budget;

/// <summary>
/// Whether any of the newest jobs still has rows to deliver or settle. With none open and nothing reserved no credit
/// can be spent, so the forecast says "not today" at once instead of extrapolating a finished job's burn.
/// </summary>
public sealed class PendingJobs(JobIndex index, RedisSagaStore<JobState> sagas)
{
    /// <summary>Jobs looked at, newest first: an open job older than this many others is already stuck and alerted.</summary>
    public const int Newest = 50;

    public async Task<bool> AnyOpenAsync()
    {
        var page = await index.PageAsync(null, Newest);
        var jobs = await sagas.LoadMany([.. page.Select(entry => entry.JobId)]);
        return jobs.Any(job => job is not null && !JobEpisodes.IsFinished(job.CurrentState) && job.CurrentState != nameof(JobPhase.Cancelled));
    }
}
