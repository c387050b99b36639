using ClayBus.Monitor.Budget;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Monitor.Tests.Budget;

public class BudgetForecastSpecs
{
    private static readonly BurnRateRules Rules = new(TimeSpan.FromHours(1), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(2));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Now => _clock.GetUtcNow();

    private DateTimeOffset Reset => BudgetDay.NextReset(Now, TimeZoneInfo.Utc);

    /// <summary>A sample every 30 s, rising by <paramref name="perSample"/>, for <paramref name="duration"/>.</summary>
    private List<BurnSample> Burn(List<BurnSample> samples, decimal perSample, TimeSpan duration)
    {
        var used = samples.Count == 0 ? 0m : samples[^1].Used;
        if (samples.Count == 0)
        {
            samples.Add(new BurnSample(Now, used));
        }

        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += TimeSpan.FromSeconds(30))
        {
            _clock.Advance(TimeSpan.FromSeconds(30));
            used += perSample;
            samples.Add(new BurnSample(Now, used));
        }

        return samples;
    }

    [Fact]
    public void Should_measure_a_steady_burn_and_say_when_the_limit_is_reached()
    {
        // 250 credits every 30 s = 30,000/h; 40,000 left after 10:30 → 1 h 20 min later.
        var samples = Burn([], 250m, TimeSpan.FromMinutes(30));

        var forecast = BudgetForecast.From(samples, limit: 55_000m, used: 15_000m, Now, Reset, Rules);

        Assert.Equal(30_000m, forecast.PerHour);
        Assert.Equal(ForecastOutlook.Today, forecast.Outlook);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 11, 50, 0, TimeSpan.Zero), forecast.LimitReachedAt);
        Assert.Equal([new BurnSample(Now, 15_000m), new BurnSample(forecast.LimitReachedAt!.Value, 55_000m)], forecast.Projection);
    }

    [Fact]
    public void Should_decay_to_zero_and_say_not_today_once_nothing_is_delivered()
    {
        // The demo: a fast job burns for 10 minutes, then nothing runs.
        var samples = Burn([], 1_500m, TimeSpan.FromMinutes(10));
        var busy = BudgetForecast.From(samples, 50_000m, samples[^1].Used, Now, Reset, Rules);
        Assert.Equal(ForecastOutlook.Today, busy.Outlook);

        samples.Add(new BurnSample(Now + TimeSpan.FromSeconds(30), samples[^1].Used));
        _clock.Advance(TimeSpan.FromMinutes(1));
        var fading = BudgetForecast.From(samples, 50_000m, samples[^1].Used, Now, Reset, Rules);
        Assert.InRange(fading.PerHour!.Value, 1m, busy.PerHour!.Value - 1m);

        _clock.Advance(TimeSpan.FromMinutes(1));
        var idle = BudgetForecast.From(samples, 50_000m, samples[^1].Used, Now, Reset, Rules);

        Assert.Equal(0m, idle.PerHour);
        Assert.Equal(ForecastOutlook.NotToday, idle.Outlook);
        Assert.Null(idle.LimitReachedAt);
        Assert.Equal(30_000m, idle.ProjectedAtReset);
        Assert.Equal([new BurnSample(Now, 30_000m), new BurnSample(Reset, 30_000m)], idle.Projection);
    }

    [Fact]
    public void Should_weigh_recent_burn_over_old_burn()
    {
        // 40 minutes slow (10 per 30 s = 1,200/h), then 10 minutes fast (100 per 30 s = 12,000/h).
        var samples = Burn([], 10m, TimeSpan.FromMinutes(40));
        Burn(samples, 100m, TimeSpan.FromMinutes(10));

        var rate = BudgetForecast.Rate(samples, Now, Rules)!.Value;

        // A plain first-to-last rate over the window would be 3,360/h.
        Assert.InRange(rate, 6_000m, 12_000m);
    }

    [Fact]
    public void Should_say_not_today_when_the_projection_stays_under_the_limit_at_the_reset()
    {
        // 1,200/h from 10:30 reaches 18,000 + 1,200 × 13.5 = 34,200 by midnight: under 50,000.
        var samples = Burn([], 10m, TimeSpan.FromMinutes(30));

        var forecast = BudgetForecast.From(samples, 50_000m, 18_000m, Now, Reset, Rules);

        Assert.Equal(1_200m, forecast.PerHour);
        Assert.Equal(ForecastOutlook.NotToday, forecast.Outlook);
        Assert.Equal(34_200m, forecast.ProjectedAtReset);
        Assert.Equal(new BurnSample(Reset, 34_200m), forecast.Projection[^1]);
    }

    [Fact]
    public void Should_only_use_samples_inside_the_window()
    {
        var samples = new List<BurnSample> { new(Now, 0m) };
        _clock.Advance(TimeSpan.FromHours(2));
        samples.Add(new BurnSample(Now - TimeSpan.FromMinutes(10), 4_000m));
        samples.Add(new BurnSample(Now, 4_000m));

        var forecast = BudgetForecast.From(samples, 5_000m, 4_000m, Now, Reset, Rules);

        Assert.Equal(2, forecast.Samples);
        Assert.Equal(0m, forecast.PerHour);
        Assert.Equal(ForecastOutlook.NotToday, forecast.Outlook);
    }

    [Fact]
    public void Should_have_no_rate_from_a_single_sample()
    {
        var forecast = BudgetForecast.From([new BurnSample(Now, 10m)], 5_000m, 10m, Now, Reset, Rules);

        Assert.Null(forecast.PerHour);
        Assert.Equal(ForecastOutlook.Unknown, forecast.Outlook);
        Assert.Empty(forecast.Projection);
    }

    [Fact]
    public void Should_report_a_used_up_budget_as_reached_now()
    {
        var samples = new List<BurnSample> { new(Now - TimeSpan.FromMinutes(1), 4_900m), new(Now, 5_000m) };

        var forecast = BudgetForecast.From(samples, 5_000m, 5_000m, Now, Reset, Rules);

        Assert.Equal(ForecastOutlook.Reached, forecast.Outlook);
        Assert.Equal(Now, forecast.LimitReachedAt);
    }

    [Fact]
    public void Should_reset_at_local_midnight_of_the_budget_time_zone()
    {
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var lateEvening = new DateTimeOffset(2026, 11, 23, 23, 30, 0, TimeSpan.Zero);

        Assert.Equal(new DateOnly(2026, 11, 23), BudgetDay.Of(lateEvening, TimeZoneInfo.Utc));
        Assert.Equal(new DateOnly(2026, 11, 23), BudgetDay.Of(lateEvening.AddMinutes(-60), paris));
        Assert.Equal(new DateOnly(2026, 11, 24), BudgetDay.Of(lateEvening, paris));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 23, 0, 0, TimeSpan.Zero), BudgetDay.NextReset(lateEvening.AddHours(-1), paris).ToUniversalTime());
    }
}
