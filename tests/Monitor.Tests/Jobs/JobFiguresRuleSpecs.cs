using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;

namespace ClayBus.Monitor.Tests.Jobs;

public class JobFiguresRuleSpecs
{
    private readonly JobMessages _job = new(Guid.NewGuid(), rows: 4, rowsPerBatch: 2);
    private readonly JobState _state = new() { CurrentState = "Initial" };

    public JobFiguresRuleSpecs() => JobFigures.Open(_state, DateTimeOffset.UtcNow.AddMinutes(-5));

    [Fact]
    public void Should_count_a_redelivered_batch_once()
    {
        Assert.True(JobFigures.Delivered(_state, _job.Delivered(0)));
        Assert.False(JobFigures.Delivered(_state, _job.Delivered(0)));

        Assert.Equal(2, _state.RowsDelivered);
        Assert.Equal(1, _state.Tables[_job.Table].BatchesDelivered);
    }

    [Fact]
    public void Should_never_move_callback_counters_back_when_progress_arrives_out_of_order()
    {
        JobFigures.Progress(_state, _job.Progress(enriched: 3, credits: 6));
        var grew = JobFigures.Progress(_state, _job.Progress(enriched: 1, credits: 2));

        Assert.False(grew);
        Assert.Equal(3, _state.RowsEnriched);
        Assert.Equal(6m, _state.CreditsSpent);
    }

    [Fact]
    public void Should_not_count_held_rows_as_outstanding()
    {
        JobFigures.Submitted(_state, _job.Submitted(held: 2));
        JobFigures.Delivered(_state, _job.Delivered(0));
        JobFigures.Progress(_state, _job.Progress(enriched: 2));

        Assert.Equal(0, JobFigures.RowsOutstanding(_state));
        Assert.Equal(2, JobFigures.RowsHeld(_state));
    }

    [Fact]
    public void When_callbacks_come_before_the_submission_outstanding_is_what_was_delivered()
    {
        JobFigures.Delivered(_state, _job.Delivered(0));
        JobFigures.Progress(_state, _job.Progress(enriched: 1));

        Assert.Equal(1, JobFigures.RowsOutstanding(_state));
        Assert.Equal(JobPhase.Delivering, JobPhaseRules.Next(_state));
    }
}
