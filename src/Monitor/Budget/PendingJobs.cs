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
    /// How long an answer is reused: the dashboard polls <c>/status/budget</c> every 3 s, and each look loads 50 sagas;
    /// a job that opens meanwhile reserves credits, which the forecast sees without this answer.
    /// </summary>
    public static readonly TimeSpan Reuse = TimeSpan.FromSeconds(5);

    private Answer? _last;

    public async Task<bool> AnyOpenAsync()
    {
        if (_last is { } last && clock.GetUtcNow() - last.At < Reuse)
        {
            return last.AnyOpen;
        }

        var page = await index.PageAsync(null, Newest);
        var jobs = await sagas.LoadMany([.. page.Select(entry => entry.JobId)]);
        var anyOpen = jobs.Any(job => job is not null && !JobEpisodes.IsFinished(job.CurrentState) && job.CurrentState != nameof(JobPhase.Cancelled));
        _last = new Answer(anyOpen, clock.GetUtcNow());
        return anyOpen;
    }

    // A class, so that concurrent requests swap it whole.
    private sealed record Answer(bool AnyOpen, DateTimeOffset At);
}
