using ClayBus.Contracts.Credits;
using ClayBus.Monitor.Budget;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Monitor.Tests.Budget;

public class BudgetDayViewSpecs
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    private DateOnly Today => BudgetDay.Of(_clock.GetUtcNow(), TimeZoneInfo.Utc);

    [Fact]
    public void Should_go_from_ok_to_alert_to_exhausted_and_back_to_ok_at_midnight()
    {
        var view = BudgetDayView.Fresh(Today);
        Assert.Equal(BudgetState.Ok, view.State);

        _clock.Advance(TimeSpan.FromHours(3));
        view = view.Apply(new BudgetThresholdReached(Today, 5_000m, 4_000m, 0.8, _clock.GetUtcNow()));
        Assert.Equal(BudgetState.Alert, view.State);
        Assert.Equal(4_000m, view.Used);

        _clock.Advance(TimeSpan.FromHours(2));
        view = view.Apply(new BudgetExhausted(Today, 5_000m, 4_990m, _clock.GetUtcNow()));
        Assert.Equal(BudgetState.Exhausted, view.State);
        Assert.Equal(_clock.GetUtcNow(), view.ExhaustedAt);

        // Midnight passes before the ledger's BudgetReset arrives: the new day is already clean.
        _clock.Advance(TimeSpan.FromHours(10));
        var tomorrow = view.AsOf(Today);
        Assert.Equal(BudgetState.Ok, tomorrow.State);
        Assert.Equal(new DateOnly(2026, 11, 24), tomorrow.Day);

        var reset = tomorrow.Apply(new BudgetReset(Today, 5_000m, _clock.GetUtcNow()));
        Assert.Equal(BudgetState.Ok, reset.State);
        Assert.Equal(_clock.GetUtcNow(), reset.ResetAt);
    }

    [Fact]
    public void Should_ignore_events_of_an_earlier_day()
    {
        var yesterday = Today.AddDays(-1);
        var view = BudgetDayView.Fresh(Today);

        Assert.Same(view, view.Apply(new BudgetExhausted(yesterday, 5_000m, 5_000m, _clock.GetUtcNow())));
    }

    [Fact]
    public void Should_keep_exhausted_when_a_late_alert_arrives()
    {
        var view = BudgetDayView.Fresh(Today)
            .Apply(new BudgetExhausted(Today, 5_000m, 5_000m, _clock.GetUtcNow()))
            .Apply(new BudgetThresholdReached(Today, 5_000m, 4_000m, 0.8, _clock.GetUtcNow()));

        Assert.Equal(BudgetState.Exhausted, view.State);
    }

    [Fact]
    public void Should_resume_on_a_same_day_reset_when_the_limit_is_raised()
    {
        var view = BudgetDayView.Fresh(Today)
            .Apply(new BudgetExhausted(Today, 5_000m, 5_000m, _clock.GetUtcNow()))
            .Apply(new BudgetReset(Today, 8_000m, _clock.GetUtcNow()));

        Assert.Equal(BudgetState.Ok, view.State);
        Assert.Equal(8_000m, view.Limit);
    }
}
