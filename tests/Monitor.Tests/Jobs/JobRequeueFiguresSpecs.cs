using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;

namespace ClayBus.Monitor.Tests.Jobs;

/// <summary>A dead-lettered batch that is requeued and reaches Clay: its rows are counted once, in any event order.</summary>
public class JobRequeueFiguresSpecs
{
    private readonly JobMessages _job = new(Guid.NewGuid(), rows: 4, rowsPerBatch: 2);

    public static TheoryData<string> Orders => new()
    {
        "fault,delivered,progress",
        "fault,progress,delivered",
        "delivered,fault,progress",
        "delivered,progress,fault",
        "progress,fault,delivered",
        "progress,delivered,fault",
        "fault,delivered,delivered,progress,fault",
        "fault,progress,progress,delivered,delivered",
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public void Should_count_the_requeued_rows_once_whatever_the_order(string order)
    {
        var job = Started();
        foreach (var step in order.Split(','))
        {
            Apply(job, step);
            Assert.True(JobFigures.RowsAccountedFor(job) <= job.RowsAccepted, $"after {step}: {JobFigures.RowsAccountedFor(job)} rows accounted for of {job.RowsAccepted}");
        }

        Assert.Equal((4, 4, 0, 0), (job.RowsDelivered, job.RowsEnriched, job.RowsFailed, job.RowsDeadLettered));
        Assert.Equal(4, JobFigures.RowsAccountedFor(job));
        Assert.Equal(8m, job.CreditsReserved);
        Assert.Equal(JobPhase.Completed, JobPhaseRules.Next(job));
    }

    [Fact]
    public void Should_move_a_requeued_batch_from_dead_lettered_to_delivered()
    {
        var job = Started();
        JobFigures.DeadLettered(job, _job.Batch(1), DateTimeOffset.UtcNow);
        Assert.Equal(JobPhase.CompletedWithFailures, JobPhaseRules.Next(job));

        Assert.True(JobFigures.IsNew(job, _job.Delivered(1)));
        Assert.True(JobFigures.Delivered(job, _job.Delivered(1)));

        var table = job.Tables[_job.Table];
        Assert.Equal((4, 2, 0, 0, 2), (table.RowsDelivered, table.BatchesDelivered, table.RowsDeadLettered, table.BatchesDeadLettered, table.RowsRequeued));
        Assert.Equal(2, JobFigures.RowsOutstanding(job));
        Assert.Equal(JobPhase.Enriching, JobPhaseRules.Next(job));
    }

    [Fact]
    public void Should_ignore_a_fault_for_a_batch_clay_already_has()
    {
        var job = Started();
        JobFigures.Delivered(job, _job.Delivered(1));

        Assert.False(JobFigures.IsNew(job, _job.Batch(1)));
        Assert.False(JobFigures.DeadLettered(job, _job.Batch(1), DateTimeOffset.UtcNow));
        Assert.Equal((4, 0), (job.RowsDelivered, job.RowsDeadLettered));
    }

    [Fact]
    public void Should_take_callbacks_ahead_of_the_delivery_out_of_the_dead_letters()
    {
        var job = Started();
        JobFigures.DeadLettered(job, _job.Batch(1), DateTimeOffset.UtcNow);
        JobFigures.Progress(job, _job.Progress(enriched: 3));

        // One of batch 1's rows called back before its BatchDelivered: it is enriched, no longer dead-lettered.
        Assert.Equal((3, 1), (job.RowsEnriched, job.RowsDeadLettered));
        Assert.Equal(4, JobFigures.RowsAccountedFor(job));
    }

    [Fact]
    public void Should_say_whether_progress_would_raise_a_counter()
    {
        var job = Started();

        Assert.False(JobFigures.IsNew(job, _job.Progress(enriched: 2)));
        Assert.False(JobFigures.IsNew(job, _job.Progress(enriched: 1)));
        Assert.True(JobFigures.IsNew(job, _job.Progress(enriched: 2, error: 1)));
    }

    /// <summary>Submitted, batch 0 delivered and both its rows enriched; batch 1 is the one that goes astray.</summary>
    private JobState Started()
    {
        var job = new JobState { CurrentState = "Enriching" };
        JobFigures.Open(job, DateTimeOffset.UtcNow.AddMinutes(-5));
        JobFigures.Submitted(job, _job.Submitted());
        JobFigures.Delivered(job, _job.Delivered(0));
        JobFigures.Progress(job, _job.Progress(enriched: 2));
        return job;
    }

    private void Apply(JobState job, string step)
    {
        switch (step)
        {
            case "fault":
                JobFigures.DeadLettered(job, _job.Batch(1), DateTimeOffset.UtcNow);
                break;
            case "delivered":
                JobFigures.Delivered(job, _job.Delivered(1));
                break;
            case "progress":
                JobFigures.Progress(job, _job.Progress(enriched: 4));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step, "unknown step");
        }
    }
}
