using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Persistence;
using ClayBus.Monitor.Status;

namespace ClayBus.Monitor.Budget;

/// <summary>
/// Whether any of the newest jobs still has rows to deliver or settle. With none open and nothing reserved no credit
/// can be spent, so the forecast says "not today" at once instead of extrapolating a finished job's burn.
/// </summary>
public sealed class PendingJobs(JobIndex index, RedisSagaStore<JobState> sagas, TimeProvider clock)
{
    /// <summary>Jobs looked at, newest first: an open job older than this many others is already stuck and alerted.</summary>
    public const int Newest = 50;

    /// <summary>
    /// How long "none open" is reused: the dashboard polls <c>/status/budget</c> every 3 s while idle, and each look
    /// loads 50 sagas. A job that opens meanwhile reserves credits, which the forecast sees without this answer. "Open"
    /// is never reused: a job that has just finished must read finished at once, or its summary forecasts its burn.
    /// </summary>
    public static readonly TimeSpan Reuse = TimeSpan.FromSeconds(5);

    private DateTimeOffset? _noneOpenAt;

    public async Task<bool> AnyOpenAsync()
    {
        if (_noneOpenAt is { } at && clock.GetUtcNow() - at < Reuse)
        {
            return false;
        }

        var page = await index.PageAsync(null, Newest);
        var jobs = await sagas.LoadMany([.. page.Select(entry => entry.JobId)]);
        var anyOpen = jobs.Any(job => job is not null && !JobEpisodes.IsFinished(job.CurrentState) && job.CurrentState != nameof(JobPhase.Cancelled));
        _noneOpenAt = anyOpen ? null : clock.GetUtcNow();
        return anyOpen;
    }
}
