using ClayBus.Monitor.Callbacks;
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
    CallbackLedger ledger,
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

    /// <summary>Publishes progress for every job with new callbacks; a job whose publish fails is flagged again.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<Guid> jobs;
        do
        {
            jobs = await ledger.TakeDirtyJobs(JobsPerRound);
            await Task.WhenAll(jobs.Select(job => PublishAsync(job, cancellationToken)));
        }
        while (jobs.Count == JobsPerRound);
    }

    private async Task PublishAsync(Guid jobId, CancellationToken cancellationToken)
    {
        try
        {
            var counters = await ledger.TakeProgress(jobId);
            if (counters is null)
            {
                return;
            }

            var tables = counters.Tables
                .Select(t => new TableProgress(t.Key, t.Value.Enriched, t.Value.NoData, t.Value.Error, t.Value.DataCredits, t.Value.Actions))
                .ToList();
            await bus.Publish(new JobProgressed(jobId, tables, counters.FirstAt, counters.LastAt, clock.GetUtcNow()), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await ledger.FlagDirty(jobId);
            LogPublishFailed(exception, jobId);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Progress aggregation failed; retrying next round")]
    private partial void LogFlushFailed(Exception exception);

    [LoggerMessage(LogLevel.Warning, "Could not publish progress for job {JobId}; it is flagged for the next round")]
    private partial void LogPublishFailed(Exception exception, Guid jobId);
}
