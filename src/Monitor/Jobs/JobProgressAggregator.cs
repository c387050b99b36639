using ClayBus.Monitor.Callbacks;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Jobs;

/// <summary>Wakes the aggregator early when a job gathered <c>Jobs:ProgressEveryRows</c> callbacks.</summary>
public sealed class JobProgressSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake: one flush takes every dirty job.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wake.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wake.Dispose();
}

/// <summary>
/// Turns callbacks into <see cref="JobProgressed"/>: every <c>Jobs:ProgressInterval</c> (or sooner, see
/// <see cref="JobProgressSignal"/>) it takes the jobs with new callbacks and publishes their absolute counters.
/// The saga then sees a few messages per second per job instead of one per row, so it never fights itself.
/// </summary>
public sealed partial class JobProgressAggregator(
    CallbackStore ledger,
    JobProgressSignal signal,
    IBus bus,
    IOptions<JobTrackingOptions> options,
    TimeProvider clock,
    ILogger<JobProgressAggregator> logger) : BackgroundService
{
    private const int JobsPerRound = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(options.Value.ProgressInterval, stoppingToken);
                await FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogFlushFailed(exception);
            }
        }
    }

    /// <summary>
    /// Publishes progress for every job with new callbacks. A job stays flagged until its progress is published
    /// (see <see cref="CallbackStore.DirtyJobs"/>), so a failed publish is simply tried again next round.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Guid> jobs;
        bool[] settled;
        do
        {
            jobs = await ledger.DirtyJobs(JobsPerRound);
            settled = await Task.WhenAll(jobs.Select(job => PublishAsync(job, cancellationToken)));
        }
        while (jobs.Count == JobsPerRound && settled.Any(done => done));
    }

    private async Task<bool> PublishAsync(Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            var counters = await ledger.TakeProgress(jobId);
            if (counters is not null)
            {
                var tables = counters.Tables
                    .Select(t => new TableProgress(t.Key, t.Value.Enriched, t.Value.NoData, t.Value.Error, t.Value.DataCredits, t.Value.Actions))
                    .ToList();
                var progressed = new JobProgressed(jobId, tables, counters.FirstAt, counters.LastAt, clock.GetUtcNow());
                await BrokerDeadline.WithinAsync(token => bus.Publish(progressed, token), BrokerDeadline.Default, cancellationToken, clock);
            }

            return await ledger.SettleDirty(jobId, counters);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(exception, jobId);
            return false;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Progress aggregation failed; retrying next round")]
    private partial void LogFlushFailed(Exception exception);

    [LoggerMessage(LogLevel.Warning, "Could not publish progress for job {JobId}; it stays flagged for the next round")]
    private partial void LogPublishFailed(Exception exception, Guid jobId);
}
