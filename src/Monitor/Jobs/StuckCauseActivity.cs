using MassTransit;

namespace ClayBus.Monitor.Jobs;

/// <summary>
/// The job becomes stuck: reads the blocks of its tables (the Enricher's TableFull / WebhookPoolExhausted, kept in
/// Redis because they name a table, not a job) and stores the likely cause <see cref="JobPhaseRules"/> chooses.
/// </summary>
public sealed class StuckCauseActivity(ITableBlockReader blocks, TimeProvider clock) : IStateMachineActivity<JobState, StuckCheckDue>
{
    public async Task Execute(BehaviorContext<JobState, StuckCheckDue> context, IBehavior<JobState, StuckCheckDue> next)
    {
        var job = context.Saga;
        var evidence = await blocks.ReadAsync(job.Tables.Keys);
        var now = clock.GetUtcNow();
        JobFigures.BecameStuck(job, now, JobPhaseRules.LikelyCause(job, now, evidence));
        await next.Execute(context);
    }

    public Task Faulted<TException>(BehaviorExceptionContext<JobState, StuckCheckDue, TException> context, IBehavior<JobState, StuckCheckDue> next)
        where TException : Exception => next.Faulted(context);

    public void Accept(StateMachineVisitor visitor) => visitor.Visit(this);

    public void Probe(ProbeContext context) => context.CreateScope("stuck-cause");
}
