using ClayBus.Enricher.Credits;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Enricher.Tests.Credits;

/// <summary>The budget day's boundary on a fake clock: which day an Enricher claims, and when its claim resets the day.</summary>
public class BudgetDayStartSpecs
{
    private static readonly BudgetCalendar Paris = BudgetCalendar.For("Europe/Paris");

    // 23:30 UTC on 23 Nov is 00:30 on 24 Nov in Paris (winter time, UTC+1).
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.Zero));

    [Fact]
    public void Should_reset_the_day_when_an_enricher_starts_after_midnight_with_none_running_across_it()
    {
        var start = new BudgetDayStart(Paris, _clock.GetUtcNow());

        var due = start.Due(_clock.GetUtcNow());

        Assert.Equal(new DateOnly(2026, 11, 24), due);
        Assert.True(start.PublishesReset(due!.Value, lastRecordedDay: new DateOnly(2026, 11, 23)));
        Assert.True(start.PublishesReset(due.Value, lastRecordedDay: new DateOnly(2026, 11, 20)));
    }

    [Fact]
    public void Should_claim_each_day_once_and_the_next_at_local_midnight()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
        var start = new BudgetDayStart(Paris, clock.GetUtcNow());
        start.Claimed(start.Due(clock.GetUtcNow())!.Value);

        clock.SetUtcNow(new DateTimeOffset(2026, 11, 23, 22, 59, 59, TimeSpan.Zero));
        Assert.Null(start.Due(clock.GetUtcNow()));

        clock.Advance(TimeSpan.FromSeconds(1));
        var next = start.Due(clock.GetUtcNow());

        Assert.Equal(new DateOnly(2026, 11, 24), next);
        // Running across the boundary resets the day even where no earlier day was recorded (an upgraded installation).
        Assert.True(start.PublishesReset(next!.Value, lastRecordedDay: null));
    }

    [Fact]
    public void Should_not_reset_again_on_a_restart_the_same_day_nor_on_a_first_day()
    {
        var start = new BudgetDayStart(Paris, _clock.GetUtcNow());
        var today = start.Due(_clock.GetUtcNow())!.Value;

        Assert.False(start.PublishesReset(today, lastRecordedDay: today));
        Assert.False(start.PublishesReset(today, lastRecordedDay: null));
    }
}
