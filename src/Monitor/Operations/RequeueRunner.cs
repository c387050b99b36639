using System.Collections.Concurrent;
using ClayBus.Monitor.Status;
using RabbitMQ.Client;

namespace ClayBus.Monitor.Operations;

/// <summary>
/// Executes paced requeue runs in the background of this Monitor: each on its own AMQP connection, with a heartbeat
/// that saves its progress and renews its queue lock about twice a second, and completes the run's audit entry when it ends. On
/// shutdown the runs are cancelled; the messages they held go back to the dead-letter queue.
/// </summary>
public sealed class RequeueRunner(
    RequeueBroker broker,
    RequeueRunStore store,
    OperatorAudit audit,
    DeadLetterIndexStore index,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILogger<RequeueRunner> logger) : IHostedService
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<Guid, Task> _runs = new();

    public void Start(RequeueRunStatus run, RequeuePlan plan, OperatorAction audited) =>
        _runs[run.RunId] = Task.Run(async () =>
        {
            try
            {
                await ExecuteAsync(run, plan, audited);
            }
            finally
            {
                _runs.TryRemove(run.RunId, out _);
            }
        });

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The runs were cancelled by ApplicationStopping; this waits for them to put their messages back and save their end.</summary>
    public async Task StopAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(_runs.Values).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    private async Task ExecuteAsync(RequeueRunStatus run, RequeuePlan plan, OperatorAction audited)
    {
        var progress = new RequeueProgress();
        var stopping = lifetime.ApplicationStopping;
        using var lockLost = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(run, progress, lockLost, heartbeatStop.Token);
        RequeueOutcome outcome;
        try
        {
            await using var connection = await broker.ConnectAsync("requeue-" + run.RunId.ToString("N")[..8], lockLost.Token);
            await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), lockLost.Token);
            outcome = await new PacedRequeue(channel, run.Queue, run.Destination, plan, clock, progress).RunAsync(lockLost.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            outcome = new RequeueOutcome(RequeueRunState.Failed, "the Monitor shut down during the run: what moved stays moved, the rest is back in the dead-letter queue; start a new run");
        }
        catch (OperationCanceledException) when (lockLost.IsCancellationRequested)
        {
            outcome = new RequeueOutcome(RequeueRunState.Failed, "the run lost its queue lock (Redis did not answer in time): it stopped; what moved stays moved, the rest is back in the dead-letter queue");
        }
        catch (Exception exception)
        {
            logger.LogWarning(exception, "Requeue run {RunId} of {Queue} failed", run.RunId, run.Queue);
            outcome = new RequeueOutcome(RequeueRunState.Failed, $"the broker connection failed ({exception.GetType().Name}: {exception.Message}): what moved stays moved, the rest is back in the dead-letter queue");
        }

        await heartbeatStop.CancelAsync();
        await heartbeat;
        var finished = Snapshot(run, progress) with { State = outcome.State, Reason = outcome.Reason, FinishedAt = clock.GetUtcNow() };
        // Before the final status, so whoever sees the run end finds its entry complete. Succeeded: the run ended as asked (a canary stop is the run working).
        await audit.CompleteAsync(
            audited,
            finished.State != RequeueRunState.Failed,
            new { queue = run.Destination, runId = run.RunId, state = finished.State.ToString().ToLowerInvariant(), moved = finished.Moved, kept = finished.Kept },
            $"paced requeue run {run.RunId} ended {finished.State.ToString().ToLowerInvariant()}{(finished.Reason is null ? "" : ": " + finished.Reason)}");
        await ForgetMovedGroupAsync(finished);
        await SaveEndAsync(finished, stopping);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Requeue run {RunId} of {Queue} ended {State} after {Moved} moves: {Reason}", run.RunId, run.Queue, finished.State, finished.Moved, finished.Reason ?? "done");
        }
    }

    /// <summary>
    /// The final status, retried through a short Redis outage so a finished run does not read as failed later; the
    /// lock is released last, so no new run starts on the queue before this one's end is known.
    /// </summary>
    private async Task SaveEndAsync(RequeueRunStatus finished, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.SaveAsync(finished);
                await store.ReleaseAsync(finished.Queue, finished.RunId);
                return;
            }
            catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
            {
                if (attempt >= 12 || stopping.IsCancellationRequested)
                {
                    // The lock expires by itself; GET reports the run failed once its heartbeat is stale.
                    logger.LogWarning(exception, "Requeue run {RunId} ended {State} but Redis did not take its final status", finished.RunId, finished.State);
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(5), clock, CancellationToken.None);
            }
        }
    }

    /// <summary>A group moved completely leaves the index; if its messages fail again, their faults start it anew.</summary>
    private async Task ForgetMovedGroupAsync(RequeueRunStatus finished)
    {
        if (finished.State != RequeueRunState.Completed || finished.Group is not { } group)
        {
            return;
        }

        try
        {
            await index.ForgetAsync(finished.Queue, group);
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            logger.LogWarning(exception, "Requeue run {RunId} moved group {Group} but the dead-letter index still lists it", finished.RunId, group);
        }
    }

    private async Task HeartbeatAsync(RequeueRunStatus run, RequeueProgress progress, CancellationTokenSource lockLost, CancellationToken stop)
    {
        var missed = TimeSpan.Zero;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(HeartbeatInterval, clock, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (!await store.RenewAsync(run.Queue, run.RunId))
                {
                    await lockLost.CancelAsync();
                    return;
                }

                await store.SaveAsync(Snapshot(run, progress));
                missed = TimeSpan.Zero;
            }
            catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
            {
                // Stop before the lock can expire under us: another run could then take the queue.
                missed += HeartbeatInterval;
                if (missed >= RequeueRunStore.LockExpiry / 2)
                {
                    await lockLost.CancelAsync();
                    return;
                }
            }
        }
    }

    private RequeueRunStatus Snapshot(RequeueRunStatus run, RequeueProgress progress) =>
        run with { Moved = progress.Moved, Kept = progress.Kept, Passes = progress.Passes, HeartbeatAt = clock.GetUtcNow() };
}
