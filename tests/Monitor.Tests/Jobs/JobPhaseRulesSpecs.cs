using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;

namespace ClayBus.Monitor.Tests.Jobs;

public class JobPhaseRulesSpecs
{
    private static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(30);
    private readonly JobMessages _job = new(Guid.NewGuid(), rows: 4, rowsPerBatch: 2);
    private readonly JobState _state = new() { CurrentState = "Delivering" };
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public JobPhaseRulesSpecs() => JobFigures.Open(_state, DateTimeOffset.UtcNow.AddHours(-2));

    [Fact]
    public void Should_complete_with_failures_when_every_row_is_accounted_for_and_some_failed()
    {
        JobFigures.Submitted(_state, _job.Submitted());
        JobFigures.Delivered(_state, _job.Delivered(0));
        JobFigures.Delivered(_state, _job.Delivered(1));
        JobFigures.Progress(_state, _job.Progress(enriched: 3, noData: 1));

        Assert.Equal(JobPhase.CompletedWithFailures, JobPhaseRules.Next(_state));
    }

    [Fact]
    public void Should_be_enriching_once_every_row_is_sent_and_completed_when_all_called_back()
    {
        JobFigures.Submitted(_state, _job.Submitted());
        JobFigures.Delivered(_state, _job.Delivered(0));
        JobFigures.Delivered(_state, _job.Delivered(1));
        Assert.Equal(JobPhase.Enriching, JobPhaseRules.Next(_state));

        JobFigures.Progress(_state, _job.Progress(enriched: 4));
        Assert.Equal(JobPhase.Completed, JobPhaseRules.Next(_state));
    }

    [Fact]
    public void Should_blame_the_callback_column_when_no_callback_ever_arrived()
    {
        Deliver(DateTimeOffset.UtcNow.AddHours(-1));

        Assert.True(JobPhaseRules.IsStuck(_state, _now, StuckAfter));
        Assert.StartsWith("callback column misconfigured", JobPhaseRules.LikelyCause(_state, _now), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_blame_a_clay_backlog_when_callbacks_stopped_coming()
    {
        Deliver(DateTimeOffset.UtcNow.AddHours(-1));
        _state.LastCallbackAt = DateTimeOffset.UtcNow.AddMinutes(-45);
        _state.Tables[_job.Table].RowsEnriched = 1;

        Assert.StartsWith("Clay backlog", JobPhaseRules.LikelyCause(_state, _now), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_suspect_a_silently_exhausted_webhook_when_a_delivery_reached_its_cap()
    {
        JobFigures.Submitted(_state, _job.Submitted());
        JobFigures.Delivered(_state, _job.Delivered(0, webhookUsed: 50_000, webhookCap: 50_000));
        JobFigures.Delivered(_state, _job.Delivered(1, webhookUsed: 50_000, webhookCap: 50_000));

        Assert.StartsWith("webhook possibly exhausted silently", JobPhaseRules.LikelyCause(_state, _now), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_not_be_stuck_before_the_timeout_and_check_again_when_it_would_be()
    {
        Deliver(_now.AddMinutes(-10));

        Assert.False(JobPhaseRules.IsStuck(_state, _now, StuckAfter));
        Assert.Equal(TimeSpan.FromMinutes(20), JobPhaseRules.NextCheckIn(_state, _now, StuckAfter));
    }

    [Fact]
    public void Should_stay_stuck_until_something_moves()
    {
        Deliver(_now.AddHours(-1));
        _state.CurrentState = nameof(JobPhase.Stuck);
        _state.StuckAt = _now.AddMinutes(-1);

        Assert.Equal(JobPhase.Stuck, JobPhaseRules.Next(_state));

        JobFigures.Progress(_state, _job.Progress(enriched: 1));
        Assert.Equal(JobPhase.Enriching, JobPhaseRules.Next(_state));
    }

    [Fact]
    public void Should_keep_the_first_stuck_time_and_hold_a_second_episode_until_something_moves()
    {
        Deliver(_now.AddHours(-1));
        JobFigures.BecameStuck(_state, _now.AddMinutes(-20), "first");
        _state.CurrentState = nameof(JobPhase.Stuck);
        JobFigures.LeftStuck(_state, _now.AddMinutes(-15));
        _state.LastProgressAt = _now.AddMinutes(-15);
        JobFigures.BecameStuck(_state, _now.AddMinutes(-1), "second");

        // Progress came after the first episode began, not after the second: the job stays stuck.
        Assert.Equal(JobPhase.Stuck, JobPhaseRules.Next(_state));
        Assert.Equal((_now.AddMinutes(-20), _now.AddMinutes(-1), _now.AddMinutes(-15), 2), (_state.StuckAt, _state.LastStuckAt, _state.RecoveredAt, _state.StuckEpisodes));
        Assert.Equal("second", _state.LikelyCause);

        JobFigures.Progress(_state, _job.Progress(enriched: 1));
        Assert.Equal(JobPhase.Enriching, JobPhaseRules.Next(_state));
    }

    private void Deliver(DateTimeOffset at)
    {
        JobFigures.Submitted(_state, _job.Submitted());
        JobFigures.Delivered(_state, _job.Delivered(0) with { DeliveredAt = at });
        JobFigures.Delivered(_state, _job.Delivered(1) with { DeliveredAt = at });
        _state.LastProgressAt = at;
    }
}
