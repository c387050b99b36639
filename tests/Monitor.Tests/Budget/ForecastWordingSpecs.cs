using ClayBus.Monitor.Budget;

namespace ClayBus.Monitor.Tests.Budget;

/// <summary>The one sentence per meter that the dashboard and <c>claybus status</c> both print as the Monitor wrote it.</summary>
public class ForecastWordingSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Reset = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly BudgetViewOptions Options = new() { ForecastWindowMinutes = 60, ForecastHalfLifeMinutes = 10, ForecastIdleAfterMinutes = 2 };

    /// <summary>A steady burn for 30 minutes: a sample each 30 s rising by <paramref name="perSample"/>, ending at <see cref="Now"/>.</summary>
    private static List<BurnSample> Burn(decimal perSample, decimal endingAt) =>
        [.. Enumerable.Range(0, 61).Select(i => new BurnSample(Now - TimeSpan.FromSeconds(30 * (60 - i)), endingAt - (perSample * (60 - i))))];

    [Fact]
    public void Should_say_the_hour_each_meter_reaches_its_limit()
    {
        // 250 credits per 30 s = 30,000/h with 40,000 left: 11:20. 10 Actions per 30 s = 1,200/h with 2,000 left: 11:40.
        var credits = ForecastReport.For("credits", Burn(250m, 15_000m), 55_000m, 15_000m, Now, Reset, Options);
        var actions = ForecastReport.For("Actions", Burn(10m, 1_000m), 3_000m, 1_000m, Now, Reset, Options);

        Assert.Equal("Forecast: 30,000 credits/h, limit reached at 11:20 UTC, before the reset (tomorrow 00:00 UTC): deliveries will pause", credits.Text);
        Assert.Equal("Actions forecast: 1,200 Actions/h, limit reached at 11:40 UTC, before the reset (tomorrow 00:00 UTC): deliveries will pause", actions.Text);
    }

    [Fact]
    public void Should_say_not_today_at_once_when_nothing_is_pending()
    {
        // The demo's end: the job burned fast until a moment ago, but nothing is reserved and no job is open.
        var burning = ForecastReport.For("credits", Burn(1_500m, 40_000m), 50_000m, 40_000m, Now, Reset, Options);
        var finished = ForecastReport.For("credits", Burn(1_500m, 40_000m), 50_000m, 40_000m, Now, Reset, Options, nothingPending: true);

        Assert.Equal(ForecastOutlook.Today, burning.Outlook);
        Assert.Equal(ForecastOutlook.NotToday, finished.Outlook);
        Assert.Equal(0m, finished.PerHour);
        Assert.Equal("Forecast: 0 credits/h, limit reached: not today (40,000 of 50,000 by the reset at tomorrow 00:00 UTC)", finished.Text);
        Assert.Equal([new BurnSample(Now, 40_000m), new BurnSample(Reset, 40_000m)], finished.Projection);
    }

    [Fact]
    public void Should_word_times_in_the_budget_time_zone()
    {
        var paris = new BudgetViewOptions { TimeZone = "Europe/Paris", ForecastWindowMinutes = 60, ForecastHalfLifeMinutes = 10, ForecastIdleAfterMinutes = 2 };
        var reset = BudgetDay.NextReset(Now, paris.Zone);

        var reached = ForecastReport.For("Actions", Burn(10m, 3_000m), 3_000m, 3_000m, Now, reset, paris);
        var unknown = ForecastReport.For("credits", [], 5_000m, 10m, Now, reset, paris);

        Assert.Equal("Actions forecast: limit reached; deliveries wait for the reset (tomorrow 00:00 Europe/Paris)", reached.Text);
        Assert.Equal("Forecast: not enough samples yet for a burn rate", unknown.Text);
    }
}
