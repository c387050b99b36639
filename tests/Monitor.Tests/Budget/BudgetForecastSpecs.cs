using ClayBus.Monitor.Budget;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Monitor.Tests.Budget;

public class BudgetForecastSpecs
{
    private static readonly TimeSpan Window = TimeSpan.FromHours(1);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

    private DateTimeOffset Reset => BudgetDay.NextReset(_clock.GetUtcNow(), TimeZoneInfo.Utc);

    [Fact]
    public void Should_forecast_the_exact_instant_the_budget_runs_out()
    {
        var samples = new List<BurnSample> { new(_clock.GetUtcNow(), 1_000m) };
        _clock.Advance(TimeSpan.FromMinutes(30));
        samples.Add(new BurnSample(_clock.GetUtcNow(), 1_250m));

        var forecast = BudgetForecast.From(samples, limit: 5_000m, used: 1_250m, _clock.GetUtcNow(), Reset, Window);

        // 250 credits in 30 minutes = 500/h; 3,750 left = 7.5 h after 10:30.
        Assert.Equal(500m, forecast.CreditsPerHour);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 18, 0, 0, TimeSpan.Zero), forecast.ExhaustsAt);
        Assert.True(forecast.BeforeReset);
    }

    [Fact]
    public void Should_say_the_budget_lasts_the_day_when_the_rate_reaches_the_limit_after_midnight()
    {
        var samples = new List<BurnSample> { new(_clock.GetUtcNow(), 0m) };
        _clock.Advance(TimeSpan.FromMinutes(60) - TimeSpan.FromSeconds(1));
        samples.Add(new BurnSample(_clock.GetUtcNow(), 100m));

        var forecast = BudgetForecast.From(samples, 5_000m, 100m, _clock.GetUtcNow(), Reset, Window);

        Assert.NotNull(forecast.ExhaustsAt);
        Assert.False(forecast.BeforeReset);
    }

    [Fact]
    public void Should_only_use_samples_inside_the_window()
    {
        var samples = new List<BurnSample> { new(_clock.GetUtcNow(), 0m) };
        _clock.Advance(TimeSpan.FromHours(2));
        samples.Add(new BurnSample(_clock.GetUtcNow() - TimeSpan.FromMinutes(10), 4_000m));
        samples.Add(new BurnSample(_clock.GetUtcNow(), 4_000m));

        var forecast = BudgetForecast.From(samples, 5_000m, 4_000m, _clock.GetUtcNow(), Reset, Window);

        Assert.Equal(2, forecast.Samples);
        Assert.Equal(0m, forecast.CreditsPerHour);
        Assert.Null(forecast.ExhaustsAt);
    }

    [Fact]
    public void Should_have_no_rate_from_a_single_sample()
    {
        var forecast = BudgetForecast.From([new BurnSample(_clock.GetUtcNow(), 10m)], 5_000m, 10m, _clock.GetUtcNow(), Reset, Window);

        Assert.Null(forecast.CreditsPerHour);
        Assert.Null(forecast.ExhaustsAt);
    }

    [Fact]
    public void Should_report_an_exhausted_budget_as_running_out_now()
    {
        var samples = new List<BurnSample> { new(_clock.GetUtcNow() - TimeSpan.FromMinutes(5), 4_900m), new(_clock.GetUtcNow(), 5_000m) };

        var forecast = BudgetForecast.From(samples, 5_000m, 5_000m, _clock.GetUtcNow(), Reset, Window);

        Assert.Equal(_clock.GetUtcNow(), forecast.ExhaustsAt);
        Assert.True(forecast.BeforeReset);
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
