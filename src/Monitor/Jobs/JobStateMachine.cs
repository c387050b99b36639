using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Metrics;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Jobs;

/// <summary>
/// A job from submission to its last callback. Transitions only: the figures are <see cref="JobFigures"/>'s, the
/// phase and stuck decisions <see cref="JobPhaseRules"/>'s. Any event may be the first (JobSubmitted is published
/// after the batches), and every event is explicit in every state, so late and repeated ones never fault.
/// </summary>
public sealed class JobStateMachine : MassTransitStateMachine<JobState>
{
    public JobStateMachine(IOptions<JobTrackingOptions> options, TimeProvider clock, MonitorMetrics metrics)
    {
        var stuckAfter = options.Value.StuckAfter;
        InstanceState(job => job.CurrentState);

        Event(() => JobSubmitted, e => e.CorrelateById(c => c.Message.JobId));
        Event(() => BatchDelivered, e => e.CorrelateById(c => c.Message.JobId));
        Event(() => BatchDeadLettered, e => e.CorrelateById(c => c.Message.Message.JobId));
        Event(() => JobProgressed, e => e.CorrelateById(c => c.Message.JobId));
        Event(() => HeldBatchesReleased, e => e.CorrelateById(c => c.Message.JobId));
        Event(() => CancelJob, e => e.CorrelateById(c => c.Message.JobId));
        Schedule(() => StuckCheck, job => job.StuckCheckToken, s =>
        {
            s.Delay = stuckAfter;
            s.Received = r =>
            {
                r.CorrelateById(c => c.Message.JobId);
                // A timeout that outlived its job (expired after the retention) has nothing to check.
                r.OnMissingInstance(m => m.Discard());
            };
        });

        Initially(
            FollowFigures(Open(When(JobSubmitted)).Then(c => JobFigures.Submitted(c.Saga, c.Message))),
            FollowFigures(Open(When(BatchDelivered)).Then(c => JobFigures.Delivered(c.Saga, c.Message))),
            FollowFigures(Open(When(BatchDeadLettered)).Then(c => JobFigures.DeadLettered(c.Saga, c.Message.Message, c.Message.Timestamp))),
            FollowFigures(Open(When(JobProgressed)).Then(c => JobFigures.Progress(c.Saga, c.Message))),
            FollowFigures(Open(When(HeldBatchesReleased)).Then(c => JobFigures.Released(c.Saga, c.Message))),
            Open(When(CancelJob)).Then(c => Cancel(c.Saga, c.Message, clock.GetUtcNow())).TransitionTo(Cancelled));

        During(Submitted, Delivering, Enriching, Stuck,
            FollowFigures(When(JobSubmitted).Then(c => JobFigures.Submitted(c.Saga, c.Message))),
            FollowFigures(When(BatchDelivered).Then(c => JobFigures.Delivered(c.Saga, c.Message))),
            FollowFigures(When(BatchDeadLettered).Then(c => JobFigures.DeadLettered(c.Saga, c.Message.Message, c.Message.Timestamp))),
            FollowFigures(When(JobProgressed).Then(c => JobFigures.Progress(c.Saga, c.Message))),
            FollowFigures(When(HeldBatchesReleased).Then(c => JobFigures.Released(c.Saga, c.Message))),
            When(CancelJob).Then(c => Cancel(c.Saga, c.Message, clock.GetUtcNow())).TransitionTo(Cancelled));

        During(Submitted, Delivering, Enriching,
            When(StuckCheck.Received)
                .IfElse(
                    c => JobPhaseRules.IsStuck(c.Saga, clock.GetUtcNow(), stuckAfter),
                    stuck => stuck
                        .Activity(a => a.OfType<StuckCauseActivity>())
                        .TransitionTo(Stuck),
                    moving => moving.Schedule(
                        StuckCheck,
                        c => new StuckCheckDue(c.Saga.CorrelationId),
                        c => JobPhaseRules.NextCheckIn(c.Saga, clock.GetUtcNow(), stuckAfter))));

        // Stuck waits for progress, not for another timeout: leaving Stuck schedules the next check.
        During(Stuck, Ignore(StuckCheck.Received));

        // A finished job reopens when its figures change: requeued dead letters reach Clay after it finished.
        // Repeated and stale events change nothing and are ignored as before.
        During(Completed, CompletedWithFailures,
            Ignore(JobSubmitted),
            Reopen(
                When(BatchDelivered),
                c => JobFigures.IsNew(c.Saga, c.Message),
                c => JobFigures.Delivered(c.Saga, c.Message),
                c => JobEpisodes.DeliveredReason(c.Message.BatchId, c.Message.TableKey)),
            Reopen(
                When(BatchDeadLettered),
                c => JobFigures.IsNew(c.Saga, c.Message.Message),
                c => JobFigures.DeadLettered(c.Saga, c.Message.Message, c.Message.Timestamp),
                c => JobEpisodes.DeadLetteredReason(c.Message.Message.BatchId, c.Message.Message.TableKey)),
            Reopen(
                When(JobProgressed),
                c => JobFigures.IsNew(c.Saga, c.Message),
                c => JobFigures.Progress(c.Saga, c.Message),
                _ => JobEpisodes.ProgressReason),
            Ignore(HeldBatchesReleased),
            Ignore(CancelJob),
            Ignore(StuckCheck.Received));

        // A cancelled job still records what Clay does with rows already sent: their credits are real.
        During(Cancelled,
            When(JobSubmitted).Then(c => JobFigures.Submitted(c.Saga, c.Message)),
            When(BatchDelivered).Then(c => JobFigures.Delivered(c.Saga, c.Message)),
            When(BatchDeadLettered).Then(c => JobFigures.DeadLettered(c.Saga, c.Message.Message, c.Message.Timestamp)),
            When(JobProgressed).Then(c => JobFigures.Progress(c.Saga, c.Message)),
            Ignore(HeldBatchesReleased),
            Ignore(CancelJob),
            Ignore(StuckCheck.Received));

        WhenEnter(Enriching, x => x.Then(c => c.Saga.EnrichingAt ??= clock.GetUtcNow()));
        WhenEnter(Completed, x => Finish(x, clock));
        WhenEnter(CompletedWithFailures, x => Finish(x, clock));
        WhenEnter(Stuck, x => x
            .Then(_ => metrics.JobStuck())
            .Publish(c => new JobStuck(
                c.Saga.CorrelationId,
                JobFigures.RowsOutstanding(c.Saga),
                c.Saga.LikelyCause ?? "unknown",
                c.Saga.LastProgressAt,
                c.Saga.LastStuckAt ?? clock.GetUtcNow())));
        WhenLeave(Stuck, x => x
            .Then(c => JobFigures.LeftStuck(c.Saga, clock.GetUtcNow()))
            .Schedule(StuckCheck, c => new StuckCheckDue(c.Saga.CorrelationId), c => stuckAfter));
        WhenEnter(Cancelled, x => x
            .Unschedule(StuckCheck)
            .Publish(c => new JobCancelled(c.Saga.CorrelationId, c.Saga.CancelledBy ?? "unknown", c.Saga.CancelledAt ?? clock.GetUtcNow())));

        // Leaving the final state first makes a re-finish enter it again, which publishes the corrected summary.
        EventActivityBinder<JobState, T> Reopen<T>(
            EventActivityBinder<JobState, T> binder,
            StateMachineCondition<JobState, T> changesFigures,
            Action<BehaviorContext<JobState, T>> count,
            Func<BehaviorContext<JobState, T>, string> reason)
            where T : class =>
            binder.If(changesFigures, reopen => FollowFigures(reopen
                    .Then(c => JobEpisodes.Reopened(c.Saga, clock.GetUtcNow(), reason(c)))
                    .Then(count)
                    .TransitionTo(Delivering))
                .If(
                    c => !JobEpisodes.IsFinished(c.Saga.CurrentState),
                    open => open.Schedule(StuckCheck, c => new StuckCheckDue(c.Saga.CorrelationId), c => stuckAfter)));

        EventActivityBinder<JobState, T> Open<T>(EventActivityBinder<JobState, T> binder)
            where T : class =>
            binder
                .Then(c => JobFigures.Open(c.Saga, clock.GetUtcNow()))
                .Schedule(StuckCheck, c => new StuckCheckDue(c.Saga.CorrelationId), c => stuckAfter);
    }

    public State Submitted { get; private set; } = null!;

    public State Delivering { get; private set; } = null!;

    public State Enriching { get; private set; } = null!;

    public State Completed { get; private set; } = null!;

    public State CompletedWithFailures { get; private set; } = null!;

    public State Stuck { get; private set; } = null!;

    public State Cancelled { get; private set; } = null!;

    public Event<JobSubmitted> JobSubmitted { get; private set; } = null!;

    public Event<BatchDelivered> BatchDelivered { get; private set; } = null!;

    public Event<Fault<DeliverBatch>> BatchDeadLettered { get; private set; } = null!;

    public Event<JobProgressed> JobProgressed { get; private set; } = null!;

    public Event<HeldBatchesReleased> HeldBatchesReleased { get; private set; } = null!;

    public Event<CancelJob> CancelJob { get; private set; } = null!;

    public Schedule<JobState, StuckCheckDue> StuckCheck { get; private set; } = null!;

    /// <summary>Moves to whatever phase the figures now say (<see cref="JobPhaseRules.Next"/>).</summary>
    private EventActivityBinder<JobState, T> FollowFigures<T>(EventActivityBinder<JobState, T> binder)
        where T : class =>
        binder
            .If(c => JobPhaseRules.Next(c.Saga) == JobPhase.Completed, b => b.TransitionTo(Completed))
            .If(c => JobPhaseRules.Next(c.Saga) == JobPhase.CompletedWithFailures, b => b.TransitionTo(CompletedWithFailures))
            .If(c => JobPhaseRules.Next(c.Saga) == JobPhase.Enriching, b => b.TransitionTo(Enriching))
            .If(c => JobPhaseRules.Next(c.Saga) == JobPhase.Delivering, b => b.TransitionTo(Delivering))
            .If(c => JobPhaseRules.Next(c.Saga) == JobPhase.Submitted, b => b.TransitionTo(Submitted));

    private EventActivityBinder<JobState> Finish(EventActivityBinder<JobState> binder, TimeProvider clock) =>
        binder
            .Then(c => c.Saga.CompletedAt ??= clock.GetUtcNow())
            .Then(c => JobEpisodes.Finished(c.Saga, c.Saga.CompletedAt ?? clock.GetUtcNow()))
            .Unschedule(StuckCheck)
            .Publish(c => JobFigures.Summary(c.Saga, Enum.Parse<JobPhase>(c.Saga.CurrentState), c.Saga.CompletedAt ?? clock.GetUtcNow()));

    private static void Cancel(JobState job, CancelJob cancel, DateTimeOffset now)
    {
        job.CancelledAt = now;
        job.CancelledBy = cancel.RequestedBy;
        job.CancelReason = cancel.Reason;
    }
}
